import { randomUUID } from 'node:crypto';
import { DAY_MS, dayPartitionName } from '../src/modules/webhooks/partitions/day-partitions';
import { DayPartitions } from '../src/modules/webhooks/partitions/day-partitions.service';
import { LogRetentionProcessor } from '../src/modules/webhooks/retention/log-retention.processor';
import { LogRetentionService } from '../src/modules/webhooks/retention/log-retention.service';
import { insertDeliveryRows } from './helpers/delivery-rows';
import { DeliveryPipeline, startDeliveryPipeline, WEBHOOKS_BASE } from './helpers/delivery-harness';
import { waitUntil, waitUntilBlockedBy } from './helpers/waiting';

/** Retention drops whole day partitions (contract §11); the app runs with 30 days. */
describe('Log retention (e2e)', () => {
  let pipeline: DeliveryPipeline;
  let retention: LogRetentionService;
  beforeAll(async () => {
    pipeline = await startDeliveryPipeline();
    retention = pipeline.t.app.get(LogRetentionService);
  });
  afterAll(() => pipeline.close());

  const db = () => pipeline.t.dataSource;
  const daysAgo = (days: number) => Date.now() - days * DAY_MS;

  async function tableExists(name: string): Promise<boolean> {
    const [{ found }] = await db().query(`SELECT to_regclass($1) IS NOT NULL AS found`, [name]);
    return found;
  }

  async function countFor(table: string, webhookId: string): Promise<number> {
    const [{ n }] = await db().query(
      `SELECT count(*)::int AS n FROM ${table} WHERE webhook_id = $1`,
      [webhookId],
    );
    return n;
  }

  it('drops the days older than the retention with their events and keys, keeping younger days', async () => {
    const tenantId = randomUUID();
    const { id } = await pipeline.register(tenantId, `/kept-${randomUUID()}`);
    const old = await insertDeliveryRows(db(), {
      tenantId,
      webhookId: id,
      status: 'success',
      age: '45 days',
      count: 5,
    });
    await insertDeliveryRows(db(), { tenantId, webhookId: id, status: 'failed', age: '45 days' });
    await insertDeliveryRows(db(), { tenantId, webhookId: id, status: 'success', age: '29 days' });

    const result = await retention.run();

    expect(result.dropped).toEqual(
      expect.arrayContaining([
        dayPartitionName('webhook_logs', daysAgo(45)),
        dayPartitionName('webhook_events', daysAgo(45)),
      ]),
    );
    expect(await tableExists(dayPartitionName('webhook_logs', daysAgo(45)))).toBe(false);
    expect(await tableExists(dayPartitionName('webhook_logs', daysAgo(29)))).toBe(true);
    expect(await countFor('webhook_logs', id)).toBe(1);
    const eventIds = old.map((row) => row.eventId);
    const [{ keys, events }] = await db().query(
      `SELECT (SELECT count(*) FROM webhook_event_keys WHERE event_id = ANY($1))::int AS keys,
              (SELECT count(*) FROM webhook_events WHERE event_id = ANY($1))::int AS events`,
      [eventIds],
    );
    expect({ keys, events }).toEqual({ keys: 0, events: 0 });
  });

  it('keeps an expired day while a delivery in it is not final, and drops it once it is', async () => {
    const tenantId = randomUUID();
    const { id } = await pipeline.register(tenantId, `/in-flight-${randomUUID()}`);
    await insertDeliveryRows(db(), { tenantId, webhookId: id, status: 'success', age: '40 days' });
    const [retrying] = await insertDeliveryRows(db(), {
      tenantId,
      webhookId: id,
      status: 'retrying',
      age: '40 days',
    });
    // Not due for a long time, so no worker or relay touches it during the test.
    await db().query(
      `UPDATE webhook_logs SET next_attempt_at = now() + interval '1 day' WHERE id = $1`,
      [retrying.id],
    );
    const partition = dayPartitionName('webhook_logs', daysAgo(40));

    const first = await retention.run();
    expect(first.inFlight).toContain(partition);
    expect(first.dropped).not.toContain(dayPartitionName('webhook_events', daysAgo(40)));
    expect(await countFor('webhook_logs', id)).toBe(2);

    await db().query(`UPDATE webhook_logs SET status = 'failed' WHERE id = $1`, [retrying.id]);
    const second = await retention.run();
    expect(second.dropped).toEqual(
      expect.arrayContaining([partition, dayPartitionName('webhook_events', daysAgo(40))]),
    );
    expect(await countFor('webhook_logs', id)).toBe(0);
  });

  it('attaches a day again when a delivery in it is due once more after it was detached', async () => {
    const tenantId = randomUUID();
    const { id } = await pipeline.register(tenantId, `/reattached-${randomUUID()}`);
    const [row] = await insertDeliveryRows(db(), {
      tenantId,
      webhookId: id,
      status: 'failed',
      age: '42 days',
    });
    const partition = dayPartitionName('webhook_logs', daysAgo(42));
    // As if a manual retry had committed right after the run detached the day.
    await db().query(`ALTER TABLE webhook_logs DETACH PARTITION ${partition}`);
    await db().query(
      `UPDATE ${partition} SET status = 'pending', next_attempt_at = now() + interval '1 day' WHERE id = $1`,
      [row.id],
    );

    const result = await retention.run();

    expect(result.inFlight).toContain(partition);
    const [{ status }] = await db().query(`SELECT status FROM webhook_logs WHERE id = $1`, [
      row.id,
    ]);
    expect(status).toBe('pending');
  });

  it('drops a day once when two runs overlap', async () => {
    const tenantId = randomUUID();
    const { id } = await pipeline.register(tenantId, `/overlap-${randomUUID()}`);
    await insertDeliveryRows(db(), { tenantId, webhookId: id, status: 'success', age: '44 days' });
    const partition = dayPartitionName('webhook_logs', daysAgo(44));

    const runs = await Promise.all([retention.run(), retention.run()]);

    expect(runs.flatMap((run) => run.dropped).filter((name) => name === partition)).toEqual([
      partition,
    ]);
    expect(await tableExists(partition)).toBe(false);
  });

  it('blocks neither triggerEvent nor deliveries while it drops a day', async () => {
    const tenantId = randomUUID();
    const path = `/during-drop-${randomUUID()}`;
    const { id } = await pipeline.register(tenantId, path);
    await insertDeliveryRows(db(), { tenantId, webhookId: id, status: 'success', age: '50 days' });

    // A host transaction that has triggered an event and not committed yet: the detach waits
    // for it (it could still read the old day), and must not hold anything others wait for.
    const host = db().createQueryRunner();
    await host.connect();
    try {
      await host.startTransaction();
      const [{ pid }] = await host.query('SELECT pg_backend_pid() AS pid');
      await pipeline.webhooks.triggerEvent(tenantId, 'message.sent', { n: 'held' }, {
        manager: host.manager,
      });
      const run = retention.run();
      await waitUntilBlockedBy(db(), pid, (query) => query.includes('DETACH PARTITION'));

      const locks = await db().query(
        `SELECT mode FROM pg_locks WHERE relation = 'webhook_logs'::regclass AND granted`,
      );
      expect(locks.map((lock: { mode: string }) => lock.mode)).not.toContain('AccessExclusiveLock');
      const during = await pipeline.webhooks.triggerEvent(tenantId, 'message.sent', { n: 'during' });
      expect(during.deliveries).toBe(1);
      const [request] = await pipeline.receiver.waitFor(1, path);
      expect(JSON.parse(request.body).data).toEqual({ n: 'during' });

      await host.commitTransaction();
      const result = await run;
      expect(result.dropped).toContain(dayPartitionName('webhook_logs', daysAgo(50)));
    } finally {
      if (host.isTransactionActive) await host.rollbackTransaction();
      await host.release();
    }
    await pipeline.receiver.waitFor(2, path);
    const logs = await pipeline.finalLogs(tenantId, id);
    expect(logs.data.map((log) => log.status)).toEqual(['success', 'success']);
  });

  it('creates the coming days again when one is missing', async () => {
    const lastDay = Date.now() + 7 * DAY_MS;
    for (const table of ['webhook_logs', 'webhook_events'] as const) {
      await db().query(`DROP TABLE ${dayPartitionName(table, lastDay)}`);
    }
    const partitions = pipeline.t.app.get(DayPartitions);
    expect(await partitions.daysAhead()).toBe(6);

    const result = await retention.run();

    expect(result.created).toBe(2);
    expect(await partitions.daysAhead()).toBe(7);
    const attached = await db().query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE c.relname = ANY($1)`,
      [[dayPartitionName('webhook_logs', lastDay), dayPartitionName('webhook_events', lastDay)]],
    );
    expect(attached).toHaveLength(2);
  });

  it('is scheduled hourly by a BullMQ job scheduler', async () => {
    const queue = pipeline.t.app.get(LogRetentionProcessor).queue;
    // Registered without blocking boot, so it may land a moment after the app is up.
    const schedulers = await waitUntil(
      () => queue.getJobSchedulers(),
      (found) => found.length > 0,
    );
    expect(schedulers).toEqual([
      expect.objectContaining({ key: 'log-retention', every: 3_600_000 }),
    ]);
  });

  it('shows the logs of the kept days through the API', async () => {
    const tenantId = randomUUID();
    const { id } = await pipeline.register(tenantId, `/listed-${randomUUID()}`);
    await insertDeliveryRows(db(), {
      tenantId,
      webhookId: id,
      status: 'success',
      age: '3 days',
      payload: '{"id":"evt_x","type":"message.sent","data":{"kept":true}}',
    });
    const page = (await pipeline.t.as(tenantId).get(`${WEBHOOKS_BASE}/${id}/logs`).expect(200))
      .body;
    expect(page.data.map((log: { payload: unknown }) => log.payload)).toEqual([
      { id: 'evt_x', type: 'message.sent', data: { kept: true } },
    ]);
  });
});
