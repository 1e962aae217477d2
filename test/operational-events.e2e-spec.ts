import { randomUUID } from 'node:crypto';
import { DeliveryFailureRecorder } from '../src/modules/webhooks/operational/delivery-failure-recorder';
import { OperationalEvent } from '../src/modules/webhooks';
import {
  DeliveryPipeline,
  FAST_RETRIES,
  ONE_ATTEMPT,
  startDeliveryPipeline,
  WEBHOOKS_BASE as BASE,
} from './helpers/delivery-harness';
import { waitUntilSettled } from './helpers/waiting';

/** The log rows of a tenant's operational events (test sends of webhook.test aside). */
interface OperationalLog {
  webhook_id: string;
  event_id: string;
  event_type: string;
  status: string;
}

/**
 * webhook.delivery_failed and webhook.disabled (contract §10), end to end: real receivers, the
 * real worker. Rows are written in the transaction that records the outcome, so once the
 * webhooks involved have settled (every row final, no job left), what the tables hold is all
 * there will ever be.
 */
describe('Operational events (e2e)', () => {
  let pipeline: DeliveryPipeline;
  /** What the host's listener heard, for every tenant. */
  const heard: OperationalEvent[] = [];
  const unsubscribe: Array<() => void> = [];

  beforeAll(async () => {
    pipeline = await startDeliveryPipeline({ retryPolicy: FAST_RETRIES });
    // A listener that throws comes first: it must neither break delivery nor the next listener.
    unsubscribe.push(
      pipeline.webhooks.onOperationalEvent(() => {
        throw new Error('the host listener failed');
      }),
      pipeline.webhooks.onOperationalEvent((event) => {
        heard.push(event);
      }),
    );
  });
  afterAll(async () => {
    unsubscribe.forEach((remove) => remove());
    await pipeline?.close();
  });

  const db = () => pipeline.t.dataSource;
  const heardBy = (tenantId: string) => heard.filter((event) => event.tenantId === tenantId);
  const operationalLogs = async (tenantId: string): Promise<OperationalLog[]> =>
    db().query(
      `SELECT webhook_id, event_id, event_type, status FROM webhook_logs
        WHERE tenant_id = $1 AND event_type IN ('webhook.disabled', 'webhook.delivery_failed')
        ORDER BY event_type, webhook_id`,
      [tenantId],
    );
  const logsOf = async (webhookId: string): Promise<OperationalLog[]> =>
    db().query(
      `SELECT webhook_id, event_id, event_type, status FROM webhook_logs WHERE webhook_id = $1`,
      [webhookId],
    );
  const bodiesAt = (path: string) =>
    pipeline.receiver.received(path).map((request) => JSON.parse(request.body));
  const failing = (path: string, count: number) =>
    pipeline.receiver.script(path, ...Array.from({ length: count }, () => ({ status: 500 })));

  it('tells the other subscribed endpoints and the host of a failed delivery, never the endpoint itself nor another tenant', async () => {
    const { receiver, webhooks } = pipeline;
    const tenantId = randomUUID();
    const otherTenant = randomUUID();
    const aPath = `/a-${randomUUID()}`;
    const bPath = `/b-${randomUUID()}`;
    const otherPath = `/other-${randomUUID()}`;
    failing(aPath, 3);
    // A takes every type, its own operational events included if they were sent to it.
    const a = await pipeline.register(tenantId, aPath, { name: 'Endpoint A', events: ['*'] });
    const b = await pipeline.register(tenantId, bPath, { events: ['webhook.delivery_failed'] });
    const other = await pipeline.register(otherTenant, otherPath, { events: ['*'] });

    const { eventId } = await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
    await waitUntilSettled(pipeline.t, [a.id, b.id]);

    const [aLog] = await logsOf(a.id);
    expect(await logsOf(a.id)).toEqual([
      { webhook_id: a.id, event_id: eventId, event_type: 'message.sent', status: 'failed' },
    ]);
    expect(bodiesAt(aPath).map((body) => body.type)).toEqual([
      'message.sent',
      'message.sent',
      'message.sent',
    ]);

    const [request] = receiver.received(bPath);
    expect(receiver.received(bPath)).toHaveLength(1);
    const body = JSON.parse(request.body);
    const expected = {
      type: 'webhook.delivery_failed',
      data: {
        webhookId: a.id,
        logId: (await db().query('SELECT id FROM webhook_logs WHERE webhook_id = $1', [a.id]))[0]
          .id,
        eventId,
        eventType: 'message.sent',
        attemptCount: 3,
        lastError: 'HTTP 500',
      },
    };
    expect(body).toMatchObject(expected);
    expect(request.headers['webhook-id']).toBe(body.id);
    expect(request.headers['x-webhook-event']).toBe('webhook.delivery_failed');
    expect(request.headers['webhook-signature']).toMatch(/^v1,/);
    expect(await operationalLogs(tenantId)).toEqual([
      {
        webhook_id: b.id,
        event_id: body.id,
        event_type: 'webhook.delivery_failed',
        status: 'success',
      },
    ]);
    expect(aLog.status).toBe('failed');

    // The host heard of it once, with what B got (listeners are called before the job ends);
    // the throwing listener changed nothing.
    expect(heardBy(tenantId)).toEqual([{ tenantId, eventId: body.id, ...expected }]);

    // The other tenant, subscribed to everything, has no row and heard nothing.
    expect(await logsOf(other.id)).toEqual([]);
    expect(heardBy(otherTenant)).toEqual([]);
  });

  it('raises nothing when an operational delivery fails in its turn: events never beget events', async () => {
    const { webhooks } = pipeline;
    const tenantId = randomUUID();
    const aPath = `/a-${randomUUID()}`;
    const bPath = `/b-${randomUUID()}`;
    const cPath = `/c-${randomUUID()}`;
    failing(aPath, 3);
    failing(bPath, 3);
    const a = await pipeline.register(tenantId, aPath, { events: ['message.sent'] });
    const b = await pipeline.register(tenantId, bPath, { events: ['webhook.*'] });
    const c = await pipeline.register(tenantId, cPath, { events: ['*'] });

    await webhooks.triggerEvent(tenantId, 'message.sent', {});
    await waitUntilSettled(pipeline.t, [a.id, b.id, c.id]);

    // A's failure reached B (which failed it) and C; B's failure raised no event for anyone.
    const logs = await operationalLogs(tenantId);
    expect(
      logs.map(({ webhook_id, event_type, status }) => [webhook_id, event_type, status]),
    ).toHaveLength(2);
    expect(
      logs.map(({ webhook_id, event_type, status }) => [webhook_id, event_type, status]),
    ).toEqual(
      expect.arrayContaining([
        [b.id, 'webhook.delivery_failed', 'failed'],
        [c.id, 'webhook.delivery_failed', 'success'],
      ]),
    );
    expect(new Set(logs.map((log) => log.event_id)).size).toBe(1);
    expect(bodiesAt(cPath).map((body) => [body.type, body.data.webhookId])).toEqual(
      expect.arrayContaining([['webhook.delivery_failed', a.id]]),
    );
    expect(bodiesAt(cPath).filter((body) => body.type.startsWith('webhook.'))).toHaveLength(1);
    // B got the event three times (its retries), each answered 500, and stays active.
    expect(bodiesAt(bPath).map((body) => body.type)).toEqual(
      Array(3).fill('webhook.delivery_failed'),
    );
    expect((await pipeline.t.as(tenantId).get(`${BASE}/${b.id}`).expect(200)).body).toMatchObject({
      isActive: true,
      failedDeliveries: 1,
    });
    expect(heardBy(tenantId).map((event) => [event.type, event.data.webhookId])).toEqual([
      ['webhook.delivery_failed', a.id],
    ]);
  });

  it('tells the others when 410 Gone disables an endpoint, with the reason', async () => {
    const { receiver, webhooks } = pipeline;
    const tenantId = randomUUID();
    const aPath = `/gone-${randomUUID()}`;
    const bPath = `/b-${randomUUID()}`;
    receiver.script(aPath, { status: 410 });
    const a = await pipeline.register(tenantId, aPath, {
      name: 'Gone endpoint',
      events: ['message.sent', 'webhook.*'],
    });
    const b = await pipeline.register(tenantId, bPath, { events: ['webhook.disabled'] });

    await webhooks.triggerEvent(tenantId, 'message.sent', {});
    await waitUntilSettled(pipeline.t, [a.id, b.id]);

    expect(bodiesAt(bPath)).toEqual([
      expect.objectContaining({
        type: 'webhook.disabled',
        data: {
          webhookId: a.id,
          name: 'Gone endpoint',
          url: receiver.url(aPath),
          reason: 'The endpoint answered 410 Gone',
        },
      }),
    ]);
    // B takes webhook.disabled only: A's delivery_failed wrote no row for it, nor for A.
    expect(
      (await operationalLogs(tenantId)).map((log) => [log.webhook_id, log.event_type]),
    ).toEqual([[b.id, 'webhook.disabled']]);
    expect(
      heardBy(tenantId)
        .map((event) => event.type)
        .sort(),
    ).toEqual(['webhook.delivery_failed', 'webhook.disabled']);
    const webhook = (await pipeline.t.as(tenantId).get(`${BASE}/${a.id}`).expect(200)).body;
    expect(webhook).toMatchObject({ status: 'disabled', isActive: false });
  });

  it('tells the others when the auto-disable rule disables an endpoint, and not when a tenant does', async () => {
    const { webhooks } = pipeline;
    const tenantId = randomUUID();
    const aPath = `/streak-${randomUUID()}`;
    const bPath = `/b-${randomUUID()}`;
    failing(aPath, 1);
    const a = await pipeline.register(tenantId, aPath, {
      events: ['message.sent'],
      retryPolicy: ONE_ATTEMPT,
    });
    const b = await pipeline.register(tenantId, bPath, { events: ['webhook.*'] });
    await db().query(
      `UPDATE webhooks SET consecutive_failures = 19, failing_since = now() - interval '25 hours' WHERE id = $1`,
      [a.id],
    );

    const { eventId } = await webhooks.triggerEvent(tenantId, 'message.sent', {});
    await waitUntilSettled(pipeline.t, [a.id, b.id]);

    const received = bodiesAt(bPath).sort((x, y) => (x.type < y.type ? -1 : 1));
    expect(received).toEqual([
      expect.objectContaining({
        type: 'webhook.delivery_failed',
        data: expect.objectContaining({ webhookId: a.id, eventId, attemptCount: 1 }),
      }),
      expect.objectContaining({
        type: 'webhook.disabled',
        data: expect.objectContaining({
          webhookId: a.id,
          reason: expect.stringMatching(/^20 consecutive failed deliveries since /),
        }),
      }),
    ]);
    expect((await operationalLogs(tenantId)).map((log) => log.webhook_id)).toEqual([b.id, b.id]);

    // The tenant's own disable (of B) is no news to the tenant: the PATCH wrote no event.
    await pipeline.t.as(tenantId).patch(`${BASE}/${b.id}`, { isActive: false }).expect(200);
    await pipeline.t.as(tenantId).patch(`${BASE}/${a.id}`, { isActive: true }).expect(200);
    expect(await operationalLogs(tenantId)).toHaveLength(2);
    expect(await logsOf(a.id)).toHaveLength(1);
  });

  it('sends operational samples from the test route; a failed test send raises nothing, a 410 disables and tells', async () => {
    const { receiver } = pipeline;
    const tenantId = randomUUID();
    const aPath = `/a-${randomUUID()}`;
    const bPath = `/b-${randomUUID()}`;
    const watcherPath = `/watcher-${randomUUID()}`;
    receiver.script(aPath, { status: 500 }, { status: 410 });
    const a = await pipeline.register(tenantId, aPath, {
      name: 'Tested',
      events: ['message.sent'],
    });
    const b = await pipeline.register(tenantId, bPath, { events: ['message.sent'] });
    const watcher = await pipeline.register(tenantId, watcherPath, { events: ['webhook.*'] });
    const tenant = pipeline.t.as(tenantId);

    // B can try its handler on a sample: the test route sends it like any type of the catalog.
    const sample = await tenant
      .post(`${BASE}/${b.id}/test`, { eventType: 'webhook.delivery_failed' })
      .expect(200);
    expect(sample.body).toMatchObject({ success: true, statusCode: 200 });
    expect(bodiesAt(bPath)).toEqual([
      expect.objectContaining({
        type: 'webhook.delivery_failed',
        data: expect.objectContaining({ eventType: 'message.sent', attemptCount: 3 }),
      }),
    ]);

    // A test send that fails is no delivery of the tenant's: no webhook.delivery_failed.
    const failed = await tenant.post(`${BASE}/${a.id}/test`, {}).expect(200);
    expect(failed.body).toMatchObject({ success: false, statusCode: 500 });
    expect(await operationalLogs(tenantId)).toEqual([
      expect.objectContaining({ webhook_id: b.id, event_type: 'webhook.delivery_failed' }),
    ]);

    // A 410 to a test send disables A, which the watcher hears of, as does the host.
    await tenant.post(`${BASE}/${a.id}/test`, {}).expect(200);
    await waitUntilSettled(pipeline.t, [a.id, b.id, watcher.id]);
    expect(bodiesAt(watcherPath)).toEqual([
      expect.objectContaining({
        type: 'webhook.disabled',
        data: {
          webhookId: a.id,
          name: 'Tested',
          url: receiver.url(aPath),
          reason: 'The endpoint answered 410 Gone',
        },
      }),
    ]);
    expect(heardBy(tenantId).map((event) => [event.type, event.data.webhookId])).toEqual([
      ['webhook.disabled', a.id],
    ]);
  });

  it('writes an outcome recorded a second time once: no second event, delivery or call', async () => {
    const { webhooks } = pipeline;
    const tenantId = randomUUID();
    const aPath = `/a-${randomUUID()}`;
    const bPath = `/b-${randomUUID()}`;
    failing(aPath, 1);
    const a = await pipeline.register(tenantId, aPath, {
      events: ['message.sent'],
      retryPolicy: ONE_ATTEMPT,
    });
    const b = await pipeline.register(tenantId, bPath, { events: ['webhook.delivery_failed'] });
    const { eventId } = await webhooks.triggerEvent(tenantId, 'message.sent', {});
    await waitUntilSettled(pipeline.t, [a.id, b.id]);
    expect(heardBy(tenantId)).toHaveLength(1);

    const [row] = await db().query(
      `SELECT id, (EXTRACT(EPOCH FROM created_at) * 1000)::float8 AS "createdAt" FROM webhook_logs WHERE webhook_id = $1`,
      [a.id],
    );
    const counters = async () =>
      (
        await db().query(
          'SELECT failed_deliveries, consecutive_failures FROM webhooks WHERE id = $1',
          [a.id],
        )
      )[0];
    const before = await counters();
    const recorder = pipeline.t.app.get(DeliveryFailureRecorder);
    const replay = () =>
      recorder.record(
        { logId: row.id, webhookId: a.id, eventId, eventType: 'message.sent' },
        { id: row.id, createdAt: row.createdAt },
        {
          attempt: 1,
          at: new Date().toISOString(),
          statusCode: 500,
          responseTimeMs: 5,
          error: 'HTTP 500',
          responseBody: null,
        },
        'HTTP 500',
        { disableReason: () => null },
      );

    // The row is final: the replay finds it so and does nothing at all.
    expect(await replay()).toEqual({ recorded: false, disabledReason: null });
    expect(await counters()).toEqual(before);

    // Even forced past that check (the row put back to sending), the event's id is the same,
    // so the outbox writes it once and the host does not hear of it again.
    await db().query(`UPDATE webhook_logs SET status = 'sending' WHERE id = $1`, [row.id]);
    expect(await replay()).toEqual({ recorded: true, disabledReason: null });
    await waitUntilSettled(pipeline.t, [a.id, b.id]);
    const logs = await operationalLogs(tenantId);
    expect(logs).toEqual([
      expect.objectContaining({ webhook_id: b.id, event_type: 'webhook.delivery_failed' }),
    ]);
    const [{ events }] = await db().query(
      `SELECT count(*)::int AS events FROM webhook_events WHERE tenant_id = $1 AND event_id = $2`,
      [tenantId, logs[0].event_id],
    );
    expect(events).toBe(1);
    expect(pipeline.receiver.received(bPath)).toHaveLength(1);
    expect(heardBy(tenantId)).toHaveLength(1);
  });
});
