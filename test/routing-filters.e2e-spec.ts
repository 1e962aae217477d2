import { randomUUID } from 'node:crypto';
import { WebhooksService } from '../src/modules/webhooks/webhooks.service';
import {
  DeliveryPipeline,
  startDeliveryPipeline,
  WEBHOOKS_BASE as BASE,
} from './helpers/delivery-harness';
import { TestReceiver } from './helpers/receiver';
import { TestApp } from './helpers/test-app';

const TO_US = { 'data.message.to': { $startsWith: '+1' } };

/** Payload filters (contract §10): no delivery row for an event a webhook's filter refuses. */
describe('Payload filters (e2e)', () => {
  let pipeline: DeliveryPipeline;
  let t: TestApp;
  let receiver: TestReceiver;
  let webhooks: WebhooksService;

  beforeAll(async () => {
    pipeline = await startDeliveryPipeline();
    ({ t, receiver, webhooks } = pipeline);
  });
  afterAll(() => pipeline.close());

  const logRows = async (webhookId: string) =>
    (
      await t.dataSource.query(
        `SELECT l.event_id, e.payload FROM webhook_logs l
           JOIN webhook_events e ON e.tenant_id = l.tenant_id AND e.event_id = l.event_id
                                AND e.created_at = l.created_at
          WHERE l.webhook_id = $1 ORDER BY l.created_at`,
        [webhookId],
      )
    ).map((row: { event_id: string }) => row.event_id);

  it('writes deliveries only for matching events; an unfiltered webhook gets every event', async () => {
    const tenantId = randomUUID();
    const filtered = await pipeline.register(tenantId, `/f-${randomUUID()}`, { filter: TO_US });
    const everything = await pipeline.register(tenantId, `/all-${randomUUID()}`);
    const us = await webhooks.triggerEvent(tenantId, 'message.sent', {
      message: { to: '+15550100' },
    });
    const uk = await webhooks.triggerEvent(tenantId, 'message.sent', {
      message: { to: '+447700900' },
    });
    expect(us.deliveries).toBe(2);
    expect(uk.deliveries).toBe(1);
    expect(await logRows(filtered.id)).toEqual([us.eventId]);
    expect(await logRows(everything.id)).toEqual([us.eventId, uk.eventId]);
  });

  it('applies a filter changed after this process read it, and one removed', async () => {
    const tenantId = randomUUID();
    const path = `/changed-${randomUUID()}`;
    const webhook = await pipeline.register(tenantId, path, { filter: TO_US });
    const first = await webhooks.triggerEvent(tenantId, 'message.sent', {
      message: { to: '+447700900' },
    });
    expect(first.deliveries).toBe(0);
    await t
      .as(tenantId)
      .patch(`${BASE}/${webhook.id}`, { filter: { 'data.message.to': { $startsWith: '+44' } } })
      .expect(200);
    const second = await webhooks.triggerEvent(tenantId, 'message.sent', {
      message: { to: '+447700900' },
    });
    expect(second.deliveries).toBe(1);
    await t.as(tenantId).patch(`${BASE}/${webhook.id}`, { filter: null }).expect(200);
    const third = await webhooks.triggerEvent(tenantId, 'message.sent', {
      message: { to: '+15550100' },
    });
    expect(third.deliveries).toBe(1);
    expect(await logRows(webhook.id)).toEqual([second.eventId, third.eventId]);
    await receiver.waitFor(2, path);
  });

  it('filters inside a caller transaction, and in a batch of events of several tenants', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const onA = await pipeline.register(a, `/a-${randomUUID()}`, {
      events: ['message.*'],
      filter: { type: 'message.read' },
    });
    const onB = await pipeline.register(b, `/b-${randomUUID()}`, { filter: TO_US });
    const inTransaction = await t.dataSource.transaction((manager) =>
      webhooks.triggerEvent(a, 'message.sent', { message: { to: '+1' } }, { manager }),
    );
    expect(inTransaction.deliveries).toBe(0);
    // Concurrent calls are written by one statement (the outbox's micro-batch).
    const results = await Promise.all([
      webhooks.triggerEvent(a, 'message.read', { message: { to: '+44' } }),
      webhooks.triggerEvent(b, 'message.sent', { message: { to: '+1555' } }),
      webhooks.triggerEvent(b, 'message.sent', { message: { to: '+44' } }),
      webhooks.triggerEvent(a, 'message.sent', { message: { to: '+1' } }),
    ]);
    expect(results.map((result) => result.deliveries)).toEqual([1, 1, 0, 0]);
    expect(await logRows(onA.id)).toEqual([results[0].eventId]);
    expect(await logRows(onB.id)).toEqual([results[1].eventId]);
  });

  describe('POST /webhooks/:id/filter/test', () => {
    it('answers whether the stored filter matches an envelope or bare data', async () => {
      const tenantId = randomUUID();
      const webhook = await pipeline.register(tenantId, '/unused', {
        filter: { ...TO_US, type: 'message.sent' },
      });
      const test = (payload: object) =>
        t.as(tenantId).post(`${BASE}/${webhook.id}/filter/test`, { payload }).expect(200);
      const envelope = { id: 'evt_1', type: 'message.sent', timestamp: '2026-12-02T00:00:00Z' };
      expect((await test({ ...envelope, data: { message: { to: '+1555' } } })).body).toEqual({
        matches: true,
      });
      expect((await test({ ...envelope, data: { message: { to: '+44' } } })).body).toEqual({
        matches: false,
      });
      // Bare data has no type: the type condition cannot hold.
      expect((await test({ message: { to: '+1555' } })).body).toEqual({ matches: false });
    });

    it('matches everything without a filter, 404s another tenant, 400s a bad body', async () => {
      const tenantId = randomUUID();
      const webhook = await pipeline.register(tenantId, '/unused');
      const url = `${BASE}/${webhook.id}/filter/test`;
      const res = await t
        .as(tenantId)
        .post(url, { payload: { anything: 1 } })
        .expect(200);
      expect(res.body).toEqual({ matches: true });
      await t.as(randomUUID()).post(url, { payload: {} }).expect(404);
      await t.as(tenantId).post(url, { payload: 'text' }).expect(400);
      await t.as(tenantId).post(url, {}).expect(400);
      await t.as(tenantId).post(url, { payload: {}, extra: 1 }).expect(400);
    });
  });
});
