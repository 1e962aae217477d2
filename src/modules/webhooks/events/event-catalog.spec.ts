import {
  EVENT_CATALOG,
  EVENT_CATEGORIES,
  TEST_EVENT_TYPE,
  WEBHOOK_EVENT_TYPES,
  WILDCARD_EVENT,
  isKnownEventType,
  isValidSubscription,
  sampleFor,
  subscriptionPatternsFor,
} from './event-catalog';

describe('event catalog', () => {
  it('lists all 22 event types plus the wildcard and the test event', () => {
    expect(WEBHOOK_EVENT_TYPES).toHaveLength(22);
    expect(EVENT_CATALOG).toHaveLength(24);

    const types = EVENT_CATALOG.map((entry) => entry.type);
    expect(types).toEqual([...WEBHOOK_EVENT_TYPES, WILDCARD_EVENT, TEST_EVENT_TYPE]);
    expect(new Set(types).size).toBe(types.length);
  });

  it('gives every entry a category, description and object sample payload', () => {
    for (const entry of EVENT_CATALOG) {
      expect(typeof entry.category).toBe('string');
      expect(entry.category.length).toBeGreaterThan(0);
      expect(typeof entry.description).toBe('string');
      expect(entry.description.trim().length).toBeGreaterThan(0);
      expect(entry.samplePayload).toEqual(expect.any(Object));
      expect(Array.isArray(entry.samplePayload)).toBe(false);
    }
  });

  it('uses the expected categories', () => {
    expect(EVENT_CATEGORIES).toEqual([
      'message',
      'conversation',
      'contact',
      'campaign',
      'flow',
      'automation',
      'template',
    ]);
    expect(EVENT_CATALOG.find((e) => e.type === WILDCARD_EVENT)?.category).toBe('all');
    expect(EVENT_CATALOG.find((e) => e.type === TEST_EVENT_TYPE)?.category).toBe('webhook');
    for (const type of WEBHOOK_EVENT_TYPES) {
      const entry = EVENT_CATALOG.find((e) => e.type === type);
      expect(entry?.category).toBe(type.split('.')[0]);
    }
  });

  it('keeps samples consistent with producer payload shapes', () => {
    expect(sampleFor('message.sent')).toMatchObject({
      message: {
        id: expect.any(String),
        to: expect.any(String),
        body: expect.any(String),
        status: 'sent',
        createdAt: expect.any(String),
      },
    });
    for (const type of ['campaign.started', 'campaign.completed', 'campaign.failed'] as const) {
      expect(sampleFor(type)).toMatchObject({
        campaign: {
          id: expect.any(String),
          name: expect.any(String),
          status: expect.any(String),
        },
      });
      expect(sampleFor(type).campaign).toHaveProperty('recipients');
    }
    expect(sampleFor(TEST_EVENT_TYPE)).toEqual({
      message: expect.any(String),
      webhookId: expect.any(String),
    });
  });

  describe('isKnownEventType', () => {
    it('recognises catalog event types only', () => {
      expect(isKnownEventType('message.sent')).toBe(true);
      expect(isKnownEventType('template.rejected')).toBe(true);
      expect(isKnownEventType('*')).toBe(false);
      expect(isKnownEventType('webhook.test')).toBe(false);
      expect(isKnownEventType('message.unknown')).toBe(false);
    });
  });

  describe('isValidSubscription', () => {
    it.each(['message.sent', 'campaign.*', '*', 'template.*', 'automation.completed'])(
      'accepts %p',
      (pattern) => {
        expect(isValidSubscription(pattern)).toBe(true);
      },
    );

    it.each([
      'message',
      'nope.*',
      'message.unknown',
      '',
      '*.*',
      'MESSAGE.SENT',
      'webhook.test',
      '.*',
    ])('rejects %p', (pattern) => {
      expect(isValidSubscription(pattern)).toBe(false);
    });
  });

  describe('subscriptionPatternsFor', () => {
    it('returns the exact type, its category wildcard and the global wildcard', () => {
      expect(subscriptionPatternsFor('message.sent')).toEqual(['message.sent', 'message.*', '*']);
      expect(subscriptionPatternsFor('campaign.failed')).toEqual([
        'campaign.failed',
        'campaign.*',
        '*',
      ]);
    });

    it('only produces valid subscription patterns', () => {
      for (const type of WEBHOOK_EVENT_TYPES) {
        for (const pattern of subscriptionPatternsFor(type)) {
          expect(isValidSubscription(pattern)).toBe(true);
        }
      }
    });
  });

  describe('sampleFor', () => {
    it('returns the catalog sample payload', () => {
      for (const entry of EVENT_CATALOG) {
        if (entry.type === WILDCARD_EVENT) continue;
        expect(sampleFor(entry.type as Parameters<typeof sampleFor>[0])).toEqual(
          entry.samplePayload,
        );
      }
    });

    it('returns a deep copy that callers can mutate safely', () => {
      const first = sampleFor('message.sent');
      (first.message as Record<string, unknown>).body = 'changed';
      first.extra = true;

      const second = sampleFor('message.sent');
      expect(second).not.toBe(first);
      expect((second.message as Record<string, unknown>).body).not.toBe('changed');
      expect(second).not.toHaveProperty('extra');
    });

    it('is deterministic', () => {
      expect(sampleFor('campaign.completed')).toEqual(sampleFor('campaign.completed'));
      expect(JSON.stringify(EVENT_CATALOG)).not.toMatch(/undefined/);
    });
  });
});
