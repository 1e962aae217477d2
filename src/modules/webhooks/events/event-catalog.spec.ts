import { WebhookEventDefinition } from './event-definition';
import { EventCatalog } from './event-catalog';
import { WebhookEventCatalogError } from './event-catalog.error';

const invoicePaid: WebhookEventDefinition = {
  type: 'invoice.paid',
  category: 'invoice',
  description: 'An invoice was paid.',
  samplePayload: { invoice: { id: 'inv_1', amount: 1200, lines: [{ sku: 'a' }] } },
};
const invoiceVoided: WebhookEventDefinition = {
  type: 'invoice.voided',
  category: 'invoice',
  description: 'An invoice was voided.',
  samplePayload: { invoice: { id: 'inv_1' }, reason: null },
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const orderShipped: WebhookEventDefinition = {
  type: 'order.shipped',
  category: 'order',
  description: 'An order left the warehouse.',
  samplePayload: { order: { id: 'ord_1' } },
};

/** A catalog holding the host's own `forRoot({ events })`. */
function hostCatalog(events: unknown[]): EventCatalog {
  const catalog = new EventCatalog();
  catalog.declare(events, 'WebhooksModule.forRoot({ events })');
  return catalog;
}

/** The error `body` throws; fails the test when it throws none or another kind. */
function catalogError(body: () => void): WebhookEventCatalogError {
  try {
    body();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookEventCatalogError);
    return error as WebhookEventCatalogError;
  }
  throw new Error('expected a WebhookEventCatalogError');
}

describe('EventCatalog', () => {
  describe('declarations', () => {
    it("lists the host events, then each declaration in order, then the module's own", () => {
      const catalog = hostCatalog([orderShipped]);
      catalog.declare([invoicePaid, invoiceVoided], 'billing');
      expect(catalog.entries().map((entry) => entry.type)).toEqual([
        'order.shipped',
        'invoice.paid',
        'invoice.voided',
        '*',
        'webhook.test',
        'webhook.disabled',
        'webhook.delivery_failed',
      ]);
      expect(catalog.types()).toEqual(['order.shipped', 'invoice.paid', 'invoice.voided']);
      expect(catalog.categories()).toEqual(['order', 'invoice']);
    });

    it('keeps the built-in *, webhook.test and operational entries, even with nothing declared', () => {
      const catalog = new EventCatalog();
      expect(catalog.entries()).toEqual([
        {
          type: '*',
          category: 'all',
          description: 'Subscribes to every event type; each delivery carries its own event type.',
          samplePayload: {},
        },
        {
          type: 'webhook.test',
          category: 'webhook',
          description:
            'A test event sent manually to verify that the webhook endpoint is reachable.',
          samplePayload: {
            message: 'This is a test event from your webhook endpoint.',
            webhookId: '00000000-0000-0000-0000-000000000000',
          },
        },
        {
          type: 'webhook.disabled',
          category: 'webhook',
          description: expect.stringMatching(/^A webhook endpoint was disabled by the service/),
          samplePayload: {
            webhookId: expect.stringMatching(UUID),
            name: 'CRM sync',
            url: 'https://crm.example.com/hooks/whatsapp',
            reason: expect.stringMatching(/^20 consecutive failed deliveries since /),
          },
        },
        {
          type: 'webhook.delivery_failed',
          category: 'webhook',
          description: expect.stringMatching(/^A delivery to a webhook endpoint failed after all/),
          samplePayload: {
            webhookId: expect.stringMatching(UUID),
            logId: expect.stringMatching(UUID),
            eventId: expect.stringMatching(/^evt_/),
            eventType: 'message.sent',
            attemptCount: 3,
            lastError: 'HTTP 503',
          },
        },
      ]);
      catalog.declare([invoicePaid], 'billing');
      const wildcard = catalog.entries().find((entry) => entry.type === '*');
      expect(wildcard?.samplePayload).toEqual(invoicePaid.samplePayload);
    });

    it('accepts the same definition twice, from two declarations, and lists it once', () => {
      const catalog = hostCatalog([invoicePaid]);
      catalog.declare([structuredClone(invoicePaid), invoiceVoided], 'billing');
      catalog.declare([structuredClone(invoicePaid), invoicePaid], 'reports');
      expect(catalog.types()).toEqual(['invoice.paid', 'invoice.voided']);
    });

    it('refuses a type declared twice with different definitions, naming it and both sources', () => {
      const catalog = hostCatalog([invoicePaid]);
      const changed = { ...invoicePaid, samplePayload: { invoice: { id: 'inv_1', amount: 99 } } };
      const error = catalogError(() => catalog.declare([orderShipped, changed], 'billing'));
      expect(error.problems).toHaveLength(1);
      expect(error.message).toContain(
        '"invoice.paid" is declared twice with different definitions',
      );
      expect(error.message).toContain(
        `WebhooksModule.forRoot({ events }) declares ${JSON.stringify(invoicePaid)}`,
      );
      expect(error.message).toContain(`billing declares ${JSON.stringify(changed)}`);
      // All or nothing: the valid order.shipped of the refused declaration is not added either.
      expect(catalog.types()).toEqual(['invoice.paid']);
    });

    it('compares definitions deeply, so a nested difference is a conflict', () => {
      const catalog = new EventCatalog();
      catalog.declare([invoicePaid], 'billing');
      const nested = structuredClone(invoicePaid);
      (nested.samplePayload.invoice as { lines: Array<{ sku: string }> }).lines[0].sku = 'b';
      expect(catalogError(() => catalog.declare([nested], 'reports')).message).toContain(
        '"invoice.paid" is declared twice',
      );
      expect(
        catalogError(() => catalog.declare([{ ...invoicePaid, description: 'Paid.' }], 'reports'))
          .message,
      ).toContain('"invoice.paid" is declared twice');
    });

    it('refuses a conflict within one declaration too', () => {
      const error = catalogError(() =>
        hostCatalog([invoicePaid, { ...invoicePaid, description: 'Other.' }]),
      );
      expect(error.message).toContain('"invoice.paid" is declared twice');
    });

    it('keeps a copy: changing a definition after declaring it changes nothing', () => {
      const mine = structuredClone(invoicePaid);
      const catalog = hostCatalog([mine]);
      (mine.samplePayload.invoice as { id: string }).id = 'changed';
      mine.description = 'changed';
      expect(catalog.entries()[0]).toEqual(invoicePaid);
      catalog.declare([invoicePaid], 'billing');
    });

    it('refuses new types once the application has bootstrapped', () => {
      const catalog = hostCatalog([invoicePaid]);
      catalog.declare([invoiceVoided], 'billing');
      catalog.onApplicationBootstrap();
      const error = catalogError(() => catalog.declare([invoicePaid, orderShipped], 'lazy orders'));
      expect(error.problems).toEqual([
        expect.stringMatching(
          /^lazy orders: order\.shipped declared after the application bootstrapped/,
        ),
      ]);
      expect(catalog.types()).toEqual(['invoice.paid', 'invoice.voided']);
      // Nothing new: a lazy module may repeat what is declared already.
      catalog.declare([invoicePaid, structuredClone(invoiceVoided)], 'lazy billing');
      expect(catalog.types()).toEqual(['invoice.paid', 'invoice.voided']);
    });
  });

  describe('at boot', () => {
    it('collects the problems of every declaration and throws them all at init', () => {
      const catalog = new EventCatalog();
      catalog.declareAtBoot([invoicePaid], 'WebhooksModule.forRoot({ events })');
      catalog.declareAtBoot([{ ...invoicePaid, description: 'Other.' }], 'billing');
      catalog.declareAtBoot([orderShipped, { ...orderShipped, type: 'Order.x' }], 'orders');
      catalog.declareAtBoot([invoiceVoided], 'reports');
      const error = catalogError(() => catalog.onModuleInit());
      expect(error.problems).toEqual([
        expect.stringContaining('"invoice.paid" is declared twice'),
        expect.stringMatching(/^orders, events\[1\] "Order\.x": type must be/),
      ]);
      // Declarations without problems are in; a refused one is not, not even in part.
      expect(catalog.types()).toEqual(['invoice.paid', 'invoice.voided']);
    });

    it('throws at once for a boot declaration made after init', () => {
      const catalog = new EventCatalog();
      catalog.onModuleInit();
      expect(
        catalogError(() => catalog.declareAtBoot([{ ...invoicePaid, type: 'x' }], 'late')).problems,
      ).toEqual([expect.stringMatching(/^late, events\[0\] "x": type must be/)]);
    });

    it('initializes when every declaration is valid', () => {
      const catalog = new EventCatalog();
      catalog.declareAtBoot([invoicePaid], 'billing');
      catalog.declareAtBoot([invoicePaid, orderShipped], 'orders');
      expect(() => catalog.onModuleInit()).not.toThrow();
      expect(catalog.types()).toEqual(['invoice.paid', 'order.shipped']);
    });
  });

  describe('invalid definitions', () => {
    const TYPE_RULE = 'type must be "<category>.<name>" of lower-case letters, digits and "_"';
    it.each<[string, unknown, string]>([
      ['not an object', 'invoice.paid', 'must be an object'],
      ['an array', [invoicePaid], 'must be an object'],
      ['null', null, 'must be an object'],
      ['no type', { ...invoicePaid, type: undefined }, TYPE_RULE],
      ['a type in upper case', { ...invoicePaid, type: 'Invoice.Paid' }, TYPE_RULE],
      ['a type without a category', { ...invoicePaid, type: 'paid' }, TYPE_RULE],
      ['a type with two dots', { ...invoicePaid, type: 'invoice.paid.late' }, TYPE_RULE],
      ['a type with a space', { ...invoicePaid, type: 'invoice. paid' }, TYPE_RULE],
      ['a pattern as type', { ...invoicePaid, type: 'invoice.*' }, TYPE_RULE],
      [
        'a type over 100 characters',
        { ...invoicePaid, type: `invoice.${'a'.repeat(93)}` },
        TYPE_RULE,
      ],
      [
        'a category other than the prefix',
        { ...invoicePaid, category: 'billing' },
        'category must be "invoice", the part of the type before the dot',
      ],
      ['no category', { ...invoicePaid, category: undefined }, 'category must be "invoice"'],
      ['an empty description', { ...invoicePaid, description: '  ' }, 'description must be'],
      ['no description', { ...invoicePaid, description: undefined }, 'description must be'],
      ['a number as description', { ...invoicePaid, description: 5 }, 'description must be'],
      ['no samplePayload', { ...invoicePaid, samplePayload: undefined }, 'samplePayload must be'],
      ['an array samplePayload', { ...invoicePaid, samplePayload: [] }, 'samplePayload must be'],
      ['a string samplePayload', { ...invoicePaid, samplePayload: '{}' }, 'samplePayload must be'],
      [
        'a samplePayload with a Date',
        { ...invoicePaid, samplePayload: { at: new Date() } },
        'samplePayload must be a plain JSON object',
      ],
      [
        'a samplePayload with undefined',
        { ...invoicePaid, samplePayload: { a: undefined } },
        'samplePayload must be a plain JSON object',
      ],
      [
        'a samplePayload with NaN',
        { ...invoicePaid, samplePayload: { a: [NaN] } },
        'samplePayload must be a plain JSON object',
      ],
      [
        'a Map samplePayload',
        { ...invoicePaid, samplePayload: new Map() },
        'samplePayload must be a plain JSON object',
      ],
      [
        'a samplePayload holding a class instance',
        {
          ...invoicePaid,
          samplePayload: {
            money: new (class Money {
              amount = 1;
            })(),
          },
        },
        'samplePayload must be a plain JSON object',
      ],
      ['the wildcard', { ...invoicePaid, type: '*', category: 'all' }, 'type "*" is reserved'],
      [
        'webhook.test',
        { ...invoicePaid, type: 'webhook.test', category: 'webhook' },
        'type "webhook.test" is reserved by the webhooks module',
      ],
      [
        'another webhook.* type',
        { ...invoicePaid, type: 'webhook.ping', category: 'webhook' },
        'type "webhook.ping" is reserved',
      ],
    ])('refuses %s, naming the declaration and the definition', (_, definition, problem) => {
      const catalog = hostCatalog([orderShipped]);
      const error = catalogError(() => catalog.declare([invoiceVoided, definition], 'billing'));
      expect(error.problems).toEqual([expect.stringContaining(problem)]);
      expect(error.problems[0]).toMatch(/^billing, events\[1\] /);
      expect(catalog.types()).toEqual(['order.shipped']);
    });

    it('refuses a cyclic samplePayload without overflowing the stack', () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const error = catalogError(() => hostCatalog([{ ...invoicePaid, samplePayload: cyclic }]));
      expect(error.problems).toEqual([
        'WebhooksModule.forRoot({ events }), events[0] "invoice.paid": samplePayload must be a plain JSON object',
      ]);
    });

    it('lists every problem of a declaration at once', () => {
      const error = catalogError(() =>
        hostCatalog([
          { type: 'Bad', category: 'x', description: '', samplePayload: [] },
          invoicePaid,
          { ...invoicePaid, type: 'invoice.ok', category: 'invoice', description: '' },
        ]),
      );
      expect(error.problems).toHaveLength(2);
      expect(error.problems[0]).toContain('events[0] "Bad": type must be');
      expect(error.problems[0]).toContain('description must be a non-empty string');
      expect(error.problems[0]).toContain('samplePayload must be a plain JSON object');
      expect(error.problems[1]).toContain('events[2] "invoice.ok": description must be');
      expect(error.message).toMatch(/^Invalid webhook event catalog:\n {2}- /);
    });

    it('refuses events that are not an array', () => {
      const catalog = new EventCatalog();
      expect(
        catalogError(() => catalog.declare({ type: 'x.y' } as never, 'billing')).problems,
      ).toEqual(['billing: events must be an array of definitions']);
    });
  });

  describe('lookups', () => {
    const catalog = hostCatalog([invoicePaid, invoiceVoided]);
    catalog.declare([orderShipped], 'orders');

    it("knows the declared types only as triggerable, not * nor the module's own", () => {
      expect(catalog.isKnownEventType('invoice.paid')).toBe(true);
      expect(catalog.isKnownEventType('order.shipped')).toBe(true);
      for (const type of [
        '*',
        'webhook.test',
        'webhook.disabled',
        'webhook.delivery_failed',
        'invoice.unknown',
        'invoice.*',
        '',
        5,
        null,
      ]) {
        expect(catalog.isKnownEventType(type)).toBe(false);
      }
    });

    it('knows the declared and the operational types as subscribable, not webhook.test', () => {
      for (const type of ['invoice.paid', 'webhook.disabled', 'webhook.delivery_failed']) {
        expect(catalog.isSubscribableType(type)).toBe(true);
      }
      for (const type of ['webhook.test', 'webhook.*', '*', 'webhook.unknown', null]) {
        expect(catalog.isSubscribableType(type)).toBe(false);
      }
    });

    it('accepts a declared or operational type, <category>.* of either and * as subscriptions', () => {
      for (const pattern of [
        'invoice.paid',
        'order.shipped',
        'invoice.*',
        'order.*',
        '*',
        'webhook.disabled',
        'webhook.delivery_failed',
        'webhook.*',
      ]) {
        expect(catalog.isValidSubscription(pattern)).toBe(true);
      }
      for (const pattern of [
        'invoice.nope',
        'nope.*',
        'invoice',
        '*.*',
        'webhook.test',
        'webhook.unknown',
        'invoice.paid.*',
        '',
        5,
      ]) {
        expect({ pattern, valid: catalog.isValidSubscription(pattern) }).toEqual({
          pattern,
          valid: false,
        });
      }
    });

    it('names each invalid subscription', () => {
      expect(catalog.subscriptionProblems(['invoice.paid', 'nope', 5, 'order.*'])).toEqual([
        '"nope" is not a known event type or pattern',
        '"5" is not a known event type or pattern',
      ]);
      expect(catalog.subscriptionProblems(['*'])).toEqual([]);
    });

    it('matches a type by itself, its category and *', () => {
      expect(catalog.subscriptionPatternsFor('invoice.paid')).toEqual([
        'invoice.paid',
        'invoice.*',
        '*',
      ]);
      expect(catalog.subscriptionPatternsFor('webhook.disabled')).toEqual([
        'webhook.disabled',
        'webhook.*',
        '*',
      ]);
      for (const type of [...catalog.types(), 'webhook.disabled', 'webhook.delivery_failed']) {
        for (const pattern of catalog.subscriptionPatternsFor(type)) {
          expect(catalog.isValidSubscription(pattern)).toBe(true);
        }
      }
    });

    it('gives a fresh copy of a sample each time', () => {
      const first = catalog.sampleFor('invoice.paid');
      expect(first).toEqual(invoicePaid.samplePayload);
      (first.invoice as { id: string }).id = 'changed';
      expect(catalog.sampleFor('invoice.paid')).toEqual(invoicePaid.samplePayload);
      expect(catalog.sampleFor('webhook.test')).toEqual({
        message: 'This is a test event from your webhook endpoint.',
        webhookId: '00000000-0000-0000-0000-000000000000',
      });
      const failed = catalog.sampleFor('webhook.delivery_failed');
      expect(failed).toMatchObject({ eventType: 'message.sent', attemptCount: 3 });
      failed.attemptCount = 1;
      expect(catalog.sampleFor('webhook.delivery_failed')).toMatchObject({ attemptCount: 3 });
      expect(catalog.sampleFor('invoice.unknown')).toEqual({});
    });

    it('serves entries that callers cannot change', () => {
      const [entry] = catalog.entries();
      expect(() => {
        (entry.samplePayload.invoice as { id: string }).id = 'changed';
      }).toThrow(TypeError);
      expect(catalog.entries()[0]).toEqual(invoicePaid);
      const disabled = catalog.entries().find((entry) => entry.type === 'webhook.disabled')!;
      expect(() => {
        disabled.samplePayload.name = 'changed';
      }).toThrow(TypeError);
      expect(catalog.sampleFor('webhook.disabled').name).toBe('CRM sync');
    });
  });
});
