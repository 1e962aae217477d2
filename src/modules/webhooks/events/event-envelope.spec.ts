import { InvalidWebhookEventError } from './webhook-event.error';
import { buildEventEnvelope, MAX_EVENT_PAYLOAD_BYTES } from './event-envelope';

/** `depth` levels of `{ a: … }`, built without recursion. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { a: 'leaf' };
  for (let level = 1; level < depth; level++) value = { a: value };
  return value;
}

describe('buildEventEnvelope', () => {
  it('serializes { id, type, timestamp, data } once, in that order', () => {
    const body = buildEventEnvelope('evt_1', 'message.sent', { message: { id: 'm1' } });
    expect(Object.keys(JSON.parse(body))).toEqual(['id', 'type', 'timestamp', 'data']);
    expect(JSON.parse(body)).toEqual({
      id: 'evt_1',
      type: 'message.sent',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      data: { message: { id: 'm1' } },
    });
  });

  it('accepts webhook.test, which only the test route sends', () => {
    expect(JSON.parse(buildEventEnvelope('evt_t', 'webhook.test', {})).type).toBe('webhook.test');
  });

  it.each([
    ['a real NUL character', { text: 'a\u0000b' }],
    ['the literal text \\u0000', { text: '\\u0000' }],
  ])('keeps data with %s', (_case, data) => {
    expect(JSON.parse(buildEventEnvelope('evt_n', 'message.sent', data)).data).toEqual(data);
  });

  // The type is the caller's to check: triggerEvent and the test route ask the EventCatalog.
  it('rejects data that is not a plain object', () => {
    for (const data of [null, [], 'text'] as never[]) {
      expect(() => buildEventEnvelope('evt_x', 'message.sent', data)).toThrow(
        'Webhook event data must be a plain object',
      );
    }
  });

  it('allows a body of exactly MAX_EVENT_PAYLOAD_BYTES UTF-8 bytes and refuses one more', () => {
    const overhead = Buffer.byteLength(buildEventEnvelope('evt_s', 'message.sent', { s: '' }));
    // "é" is two bytes of UTF-8: the limit counts bytes, not characters.
    const room = MAX_EVENT_PAYLOAD_BYTES - overhead;
    const fill = 'é'.repeat(Math.floor(room / 2)) + 'a'.repeat(room % 2);
    expect(Buffer.byteLength(buildEventEnvelope('evt_s', 'message.sent', { s: fill }))).toBe(
      MAX_EVENT_PAYLOAD_BYTES,
    );
    expect(() => buildEventEnvelope('evt_s', 'message.sent', { s: `${fill}x` })).toThrow(
      new InvalidWebhookEventError(
        `Webhook event payload is ${MAX_EVENT_PAYLOAD_BYTES + 1} bytes; the limit is ${MAX_EVENT_PAYLOAD_BYTES}`,
      ),
    );
  });

  it('allows data 63 levels deep, 64 with the envelope, and refuses one more', () => {
    expect(JSON.parse(buildEventEnvelope('evt_d', 'message.sent', nested(63))).data).toEqual(
      nested(63),
    );
    expect(() => buildEventEnvelope('evt_d', 'message.sent', nested(64))).toThrow(
      new InvalidWebhookEventError('Webhook event payload is nested more than 64 levels deep'),
    );
  });

  it.each([1000, 100_000])(
    'refuses data %d levels deep with that error, not a stack overflow',
    (depth) => {
      expect(() => buildEventEnvelope('evt_d', 'message.sent', nested(depth))).toThrow(
        new InvalidWebhookEventError('Webhook event payload is nested more than 64 levels deep'),
      );
    },
  );

  it('refuses cyclic data with that error', () => {
    const data: Record<string, unknown> = {};
    data.self = data;
    expect(() => buildEventEnvelope('evt_c', 'message.sent', data)).toThrow(
      new InvalidWebhookEventError('Webhook event payload is nested more than 64 levels deep'),
    );
  });
});
