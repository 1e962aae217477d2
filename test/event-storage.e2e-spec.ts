import { randomUUID } from 'node:crypto';
import { insertDeliveryRows } from './helpers/delivery-rows';
import { DeliveryPipeline, startDeliveryPipeline, WEBHOOKS_BASE } from './helpers/delivery-harness';

/** An event's payload is stored once; idempotency holds across day partitions (contract §11). */
describe('Event storage (e2e)', () => {
  let pipeline: DeliveryPipeline;
  beforeAll(async () => {
    pipeline = await startDeliveryPipeline();
  });
  afterAll(() => pipeline.close());

  const db = () => pipeline.t.dataSource;

  async function rowsOf(tenantId: string, eventId: string) {
    const [counts] = await db().query(
      `SELECT (SELECT count(*) FROM webhook_logs WHERE tenant_id = $1 AND event_id = $2)::int AS logs,
              (SELECT count(*) FROM webhook_events WHERE tenant_id = $1 AND event_id = $2)::int AS events,
              (SELECT count(*) FROM webhook_event_keys WHERE tenant_id = $1 AND event_id = $2)::int AS keys`,
      [tenantId, eventId],
    );
    return counts;
  }

  it('stores a 256 KiB fan-out payload once, and every log shows it', async () => {
    const tenantId = randomUUID();
    const path = `/big-${randomUUID()}`;
    const hooks = [];
    for (let i = 0; i < 3; i++) hooks.push(await pipeline.register(tenantId, path));
    const data = { blob: 'x'.repeat(200 * 1024) };

    const { eventId, deliveries } = await pipeline.webhooks.triggerEvent(
      tenantId,
      'message.sent',
      data,
    );

    expect(deliveries).toBe(3);
    expect(await rowsOf(tenantId, eventId)).toEqual({ logs: 3, events: 1, keys: 1 });
    const [{ bytes }] = await db().query(
      `SELECT sum(pg_column_size(payload))::int AS bytes FROM webhook_events WHERE event_id = $1`,
      [eventId],
    );
    // Stored once (TOAST may compress it); three copies would be three times this.
    expect(bytes).toBeLessThanOrEqual(200 * 1024 + 1024);
    const received = await pipeline.receiver.waitFor(3, path);
    expect(new Set(received.map((request) => request.body)).size).toBe(1);
    for (const hook of hooks) {
      const page = await pipeline.finalLogs(tenantId, hook.id);
      const detail = (
        await pipeline.t
          .as(tenantId)
          .get(`${WEBHOOKS_BASE}/${hook.id}/logs/${page.data[0].id}`)
          .expect(200)
      ).body;
      expect(detail.payload).toEqual(JSON.parse(received[0].body));
      expect(page.data[0].payload.data).toEqual(data);
    }
  });

  it('delivers an event id once when its first use is in an earlier day partition', async () => {
    const tenantId = randomUUID();
    const { id } = await pipeline.register(tenantId, `/straddle-${randomUUID()}`);
    const eventId = `order-${randomUUID()}`;
    await insertDeliveryRows(db(), {
      tenantId,
      webhookId: id,
      eventId,
      status: 'success',
      age: '1 day',
    });
    // The first use sits in an earlier day's partition than the one a trigger now writes to.
    const [{ partition, today }] = await db().query(
      `SELECT tableoid::regclass::text AS partition,
              'webhook_logs_p' || to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD') AS today
         FROM webhook_logs WHERE webhook_id = $1`,
      [id],
    );
    expect(partition).toMatch(/^webhook_logs_p\d{8}$/);
    expect(partition).not.toBe(today);

    const again = await pipeline.webhooks.triggerEvent(
      tenantId,
      'message.sent',
      { retried: true },
      { eventId },
    );

    expect(again).toEqual({ eventId, deliveries: 0 });
    expect(await rowsOf(tenantId, eventId)).toEqual({ logs: 1, events: 1, keys: 1 });
  });

  it('writes one set of deliveries for concurrent uses of an event id, in and out of transactions', async () => {
    const tenantId = randomUUID();
    const { id } = await pipeline.register(tenantId, `/concurrent-${randomUUID()}`);
    await pipeline.register(tenantId, `/concurrent-${randomUUID()}`);
    const eventId = `order-${randomUUID()}`;
    const trigger = () =>
      pipeline.webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 }, { eventId });

    const results = await Promise.all([
      trigger(),
      trigger(),
      db().transaction((manager) =>
        pipeline.webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 }, { eventId, manager }),
      ),
      trigger(),
    ]);

    expect(results.map((result) => result.deliveries).sort()).toEqual([0, 0, 0, 2]);
    expect(await rowsOf(tenantId, eventId)).toEqual({ logs: 2, events: 1, keys: 1 });
    await pipeline.finalLogs(tenantId, id);
  });

  it('writes no event, key or log for an event no webhook subscribes to', async () => {
    const tenantId = randomUUID();
    await pipeline.register(tenantId, `/none-${randomUUID()}`, { events: ['campaign.*'] });

    const { eventId, deliveries } = await pipeline.webhooks.triggerEvent(
      tenantId,
      'message.sent',
      {},
    );

    expect(deliveries).toBe(0);
    expect(await rowsOf(tenantId, eventId)).toEqual({ logs: 0, events: 0, keys: 0 });
  });
});
