import { INestApplication, Injectable, Module } from '@nestjs/common';
import { LazyModuleLoader } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { storedPayload } from './helpers/delivery-rows';
import { DataSource } from 'typeorm';
import { typeOrmOptions } from '../src/database/typeorm-options';
import {
  WebhookEventCatalogError,
  WebhookEventDefinition,
  WebhooksModule,
  WebhooksModuleOptions,
  WebhooksService,
} from '../src/modules/webhooks';
import { InvalidWebhookEventError } from '../src/modules/webhooks/events/webhook-event.error';

const BASE = '/api/v1/webhooks';

const orderPlaced: WebhookEventDefinition = {
  type: 'order.placed',
  category: 'order',
  description: 'An order was placed.',
  samplePayload: { order: { id: 'ord_1', total: 4200 } },
};
const invoicePaid: WebhookEventDefinition = {
  type: 'invoice.paid',
  category: 'invoice',
  description: 'An invoice was paid.',
  samplePayload: { invoice: { id: 'inv_1', amount: 1200 } },
};
const invoiceVoided: WebhookEventDefinition = {
  type: 'invoice.voided',
  category: 'invoice',
  description: 'An invoice was voided.',
  samplePayload: { invoice: { id: 'inv_1' }, reason: 'duplicate' },
};
const reportReady: WebhookEventDefinition = {
  type: 'report.ready',
  category: 'report',
  description: 'A monthly report is ready to download.',
  samplePayload: { report: { id: 'rep_1', month: '2026-01' } },
};

/** A producer of the host: it injects WebhooksService, as BillingService does in the contract. */
@Injectable()
class BillingService {
  constructor(readonly webhooks: WebhooksService) {}
}

@Module({
  imports: [WebhooksModule.forFeature({ events: [invoicePaid, invoiceVoided] })],
  providers: [BillingService],
  exports: [BillingService],
})
class BillingModule {}

// Declares invoice.paid again, identically: a module may declare what it consumes too.
@Module({ imports: [WebhooksModule.forFeature({ events: [reportReady, invoicePaid] })] })
class ReportsModule {}

@Module({
  imports: [
    WebhooksModule.forFeature({
      events: [{ ...invoicePaid, description: 'An invoice was settled.' }],
    }),
  ],
})
class ConflictingInvoicesModule {}

const hostOptions = (overrides: Partial<WebhooksModuleOptions> = {}): WebhooksModuleOptions => ({
  redis: { url: process.env.REDIS_URL! },
  queuePrefix: process.env.QUEUE_PREFIX,
  secretEncryptionKey: Buffer.alloc(32, 7).toString('base64'),
  tenant: (req: { headers: Record<string, string | undefined> }) => req.headers['x-tenant'],
  worker: { enabled: false },
  allowPrivateUrls: true,
  requireHttps: false,
  events: [orderPlaced],
  ...overrides,
});

/** A host of its own: its DataSource, WebhooksModule.forRoot, and its feature modules. */
function hostModule(features: unknown[], options?: Partial<WebhooksModuleOptions>) {
  return Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot(
        typeOrmOptions({ DATABASE_URL: process.env.DATABASE_URL!, DB_MIGRATIONS_RUN: true }),
      ),
      WebhooksModule.forRoot(hostOptions(options)),
      ...(features as never[]),
    ],
  });
}

async function bootHost(
  features: unknown[],
  options?: Partial<WebhooksModuleOptions>,
): Promise<INestApplication> {
  const app = (await hostModule(features, options).compile()).createNestApplication({
    logger: false,
  });
  await app.init();
  return app;
}

/**
 * The error a host's boot stops with: declarations are checked at init, once every provider
 * exists, so the app can still be closed and leaves no connection behind.
 */
async function bootError(
  features: unknown[],
  options?: Partial<WebhooksModuleOptions>,
): Promise<WebhookEventCatalogError> {
  const app = (await hostModule(features, options).compile()).createNestApplication({
    logger: false,
  });
  try {
    return await rejection(app.init());
  } finally {
    await app.close();
  }
}

/** The error `promise` rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<WebhookEventCatalogError> {
  const error = await promise.then(
    () => new Error('expected the boot to fail'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(WebhookEventCatalogError);
  return error as WebhookEventCatalogError;
}

describe('Event catalog of a host app (e2e)', () => {
  let app: INestApplication;
  let db: DataSource;
  const as = (tenantId: string) => {
    const server = app.getHttpServer();
    return {
      get: (path: string) => request(server).get(path).set('x-tenant', tenantId),
      post: (path: string, body: object) =>
        request(server).post(path).set('x-tenant', tenantId).send(body),
      patch: (path: string, body: object) =>
        request(server).patch(path).set('x-tenant', tenantId).send(body),
    };
  };
  const webhookCount = async (tenantId: string) =>
    Number(
      (await db.query('SELECT count(*) AS n FROM webhooks WHERE tenant_id = $1', [tenantId]))[0].n,
    );
  const logCount = async (tenantId: string) =>
    Number(
      (await db.query('SELECT count(*) AS n FROM webhook_logs WHERE tenant_id = $1', [tenantId]))[0]
        .n,
    );
  const createWebhook = (tenantId: string, events: string[]) =>
    as(tenantId).post(BASE, { name: 'Billing', url: 'http://127.0.0.1:9/hooks', events });

  beforeAll(async () => {
    app = await bootHost([BillingModule, ReportsModule]);
    db = app.get(DataSource);
  });
  afterAll(() => app?.close());

  it("serves the union of forRoot and every forFeature, then the module's own types", async () => {
    const res = await as(randomUUID()).get(`${BASE}/events`).expect(200);
    const { events } = res.body as { events: WebhookEventDefinition[] };
    expect(events.map((entry) => entry.type)).toEqual([
      'order.placed',
      'invoice.paid',
      'invoice.voided',
      'report.ready',
      '*',
      'webhook.test',
      'webhook.disabled',
      'webhook.delivery_failed',
    ]);
    expect(events.slice(0, 4)).toEqual([orderPlaced, invoicePaid, invoiceVoided, reportReady]);
    expect(events[4]).toMatchObject({ type: '*', category: 'all' });
    expect(events[5]).toMatchObject({ type: 'webhook.test', category: 'webhook' });
    expect(events[6]).toMatchObject({
      type: 'webhook.disabled',
      category: 'webhook',
      samplePayload: { webhookId: expect.any(String), name: 'CRM sync', url: expect.any(String) },
    });
    expect(Object.keys(events[6].samplePayload).sort()).toEqual([
      'name',
      'reason',
      'url',
      'webhookId',
    ]);
    expect(Object.keys(events[7].samplePayload).sort()).toEqual([
      'attemptCount',
      'eventId',
      'eventType',
      'lastError',
      'logId',
      'webhookId',
    ]);
  });

  it('accepts subscriptions to the operational events, exact or webhook.*, in every host', async () => {
    const tenantId = randomUUID();
    const exact = await createWebhook(tenantId, ['webhook.disabled', 'webhook.delivery_failed']);
    expect(exact.status).toBe(201);
    const category = await createWebhook(tenantId, ['webhook.*']);
    expect(category.status).toBe(201);
    const all = await createWebhook(tenantId, ['*']);
    expect(all.status).toBe(201);
    await createWebhook(tenantId, ['invoice.*']).expect(201);

    const listed = await as(tenantId).get(`${BASE}?event=webhook.delivery_failed`).expect(200);
    expect(listed.body.data.map((webhook: { id: string }) => webhook.id).sort()).toEqual(
      [exact.body.id, category.body.id, all.body.id].sort(),
    );
  });

  it("accepts subscriptions to the host's types and categories only", async () => {
    const tenantId = randomUUID();
    const created = await createWebhook(tenantId, ['invoice.*', 'report.ready', 'order.placed']);
    expect(created.status).toBe(201);

    for (const events of [['message.sent'], ['invoice.*', 'message.*'], ['webhook.test']]) {
      const other = randomUUID();
      const res = await createWebhook(other, events);
      expect({ events, status: res.status }).toEqual({ events, status: 400 });
      expect(res.body.message).toEqual([
        expect.stringMatching(/^".+" is not a known event type or pattern$/),
      ]);
      expect(await webhookCount(other)).toBe(0);
    }

    const refused = await as(tenantId)
      .patch(`${BASE}/${created.body.id}`, { events: ['campaign.*'] })
      .expect(400);
    expect(refused.body.message).toEqual(['"campaign.*" is not a known event type or pattern']);
    const after = await as(tenantId).get(`${BASE}/${created.body.id}`).expect(200);
    expect(after.body.events).toEqual(['invoice.*', 'report.ready', 'order.placed']);

    const listed = await as(tenantId).get(`${BASE}?event=invoice.voided`).expect(200);
    expect(listed.body.data.map((webhook: { id: string }) => webhook.id)).toEqual([
      created.body.id,
    ]);
    await as(tenantId).get(`${BASE}?event=message.sent`).expect(400);
  });

  it('triggers declared types, and refuses an undeclared one writing nothing', async () => {
    const tenantId = randomUUID();
    await createWebhook(tenantId, ['invoice.*']).expect(201);
    const { webhooks } = app.get(BillingService);
    // This program's WebhookEventPayloads holds the example app's types, not this host's.
    const trigger = (type: string, data: Record<string, unknown>) =>
      webhooks.triggerEvent(tenantId, type as never, data);

    expect((await trigger('invoice.voided', { id: 'inv_9' })).deliveries).toBe(1);
    expect(await logCount(tenantId)).toBe(1);

    // The example app's types exist only where a module declares them.
    // The operational events are the module's to raise, never a producer's.
    for (const type of [
      'message.sent',
      'invoice.refunded',
      'webhook.test',
      'webhook.disabled',
      'webhook.delivery_failed',
      '*',
    ]) {
      await expect(trigger(type, {})).rejects.toThrow(
        new InvalidWebhookEventError(`Unknown webhook event type "${type}"`),
      );
    }
    expect(await logCount(tenantId)).toBe(1);
  });

  it("sends a declared type's sample from the test route and refuses others", async () => {
    const tenantId = randomUUID();
    const { body: webhook } = await createWebhook(tenantId, ['*']).expect(201);
    const refused = await as(tenantId)
      .post(`${BASE}/${webhook.id}/test`, { eventType: 'message.sent' })
      .expect(400);
    expect(refused.body.message).toEqual([
      'eventType must be one of the following values: webhook.test, order.placed, invoice.paid, invoice.voided, report.ready, webhook.disabled, webhook.delivery_failed',
    ]);
    expect(await logCount(tenantId)).toBe(0);

    const sent = await as(tenantId)
      .post(`${BASE}/${webhook.id}/test`, { eventType: 'report.ready' })
      .expect(200);
    const [log] = await db.query('SELECT event_type FROM webhook_logs WHERE id = $1', [
      sent.body.logId,
    ]);
    expect(log.event_type).toBe('report.ready');
    expect(JSON.parse(await storedPayload(db, sent.body.logId)).data).toEqual(
      reportReady.samplePayload,
    );
  });

  it('refuses a declaration from a module loaded after bootstrap', async () => {
    @Module({ imports: [WebhooksModule.forFeature({ events: [orderPlaced, reportReady] })] })
    class LateModule {}
    @Module({
      imports: [
        WebhooksModule.forFeature({
          events: [{ ...orderPlaced, type: 'order.cancelled', description: 'Cancelled.' }],
        }),
      ],
    })
    class LateOrdersModule {}

    const loader = app.get(LazyModuleLoader);
    // Declaring nothing new is harmless; a new type would appear after requests were served.
    await expect(loader.load(() => LateModule)).resolves.toBeDefined();
    const error = await rejection(loader.load(() => LateOrdersModule));
    expect(error.problems).toEqual([
      expect.stringMatching(
        /^WebhooksModule\.forFeature at .+: order\.cancelled declared after the application bootstrapped/,
      ),
    ]);
    const res = await as(randomUUID()).get(`${BASE}/events`).expect(200);
    expect(res.body.events.map((entry: { type: string }) => entry.type)).not.toContain(
      'order.cancelled',
    );
  });

  describe('boot', () => {
    it('stops when two modules declare one type differently, naming it and both', async () => {
      const error = await bootError([BillingModule, ReportsModule, ConflictingInvoicesModule]);
      expect(error.problems).toEqual([
        expect.stringContaining('"invoice.paid" is declared twice with different definitions'),
      ]);
      const [problem] = error.problems;
      expect(problem).toContain(JSON.stringify(invoicePaid));
      expect(problem).toContain('"description":"An invoice was settled."');
      // Each declaration is named by where its forFeature call is.
      expect(
        problem.match(/WebhooksModule\.forFeature at test\/event-catalog\.e2e-spec\.ts:\d+/g),
      ).toHaveLength(2);
    });

    it('stops when a forFeature type conflicts with a forRoot one', async () => {
      const error = await bootError([BillingModule], {
        events: [{ ...invoicePaid, samplePayload: { invoice: { id: 'inv_2' } } }],
      });
      expect(error.message).toContain('"invoice.paid" is declared twice');
      expect(error.message).toContain('WebhooksModule.forRoot({ events }) declares');
    });

    it('stops on an invalid definition, naming it', async () => {
      @Module({
        imports: [
          WebhooksModule.forFeature({
            events: [
              { ...reportReady, type: 'report.Ready' },
              { ...reportReady, samplePayload: [] as never },
            ],
          }),
        ],
      })
      class InvalidReportsModule {}
      const error = await bootError([InvalidReportsModule]);
      expect(error.problems).toEqual([
        expect.stringMatching(/events\[0\] "report\.Ready": type must be "<category>\.<name>"/),
        expect.stringMatching(
          /events\[1\] "report\.ready": samplePayload must be a plain JSON object/,
        ),
      ]);
    });

    it('stops when a host redeclares a type of the module', async () => {
      const error = await bootError([], {
        events: [{ ...reportReady, type: 'webhook.test', category: 'webhook' }],
      });
      expect(error.message).toContain('type "webhook.test" is reserved by the webhooks module');
    });

    it('keeps one catalog per app: another host does not see these types', async () => {
      const other = await bootHost([ReportsModule], { events: [] });
      try {
        const res = await request(other.getHttpServer())
          .get(`${BASE}/events`)
          .set('x-tenant', randomUUID())
          .expect(200);
        expect(res.body.events.map((entry: { type: string }) => entry.type)).toEqual([
          'report.ready',
          'invoice.paid',
          '*',
          'webhook.test',
          'webhook.disabled',
          'webhook.delivery_failed',
        ]);
      } finally {
        await other.close();
      }
      const mine = await as(randomUUID()).get(`${BASE}/events`).expect(200);
      expect(mine.body.events).toHaveLength(8);
    });
  });
});
