import { randomUUID } from 'node:crypto';
import { LogRetentionProcessor } from '../src/modules/webhooks/retention/log-retention.processor';
import {
  LogRetentionService,
  RETENTION_BATCH,
} from '../src/modules/webhooks/retention/log-retention.service';
import { createTestApp, TestApp, webhookBody } from './helpers/test-app';
import { waitUntil } from './helpers/waiting';

describe('Log retention (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('deletes finished logs older than the retention in batches, keeping recent and in-flight ones', async () => {
    const tenantId = randomUUID();
    const { id } = (await t.as(tenantId).post('/api/v1/webhooks', webhookBody()).expect(201)).body;
    const insert = (count: number, age: string, status: string) =>
      t.dataSource.query(
        `INSERT INTO webhook_logs (tenant_id, webhook_id, event_id, event_type, payload, status, created_at)
         SELECT $1, $2, 'evt_' || md5(random()::text), 'message.sent', '{}', $3, now() - $4::interval
           FROM generate_series(1, $5)`,
        [tenantId, id, status, age, count],
      );
    await insert(RETENTION_BATCH + 7, '31 days', 'success');
    await insert(3, '40 days', 'failed');
    await insert(2, '40 days', 'retrying');
    await insert(4, '29 days', 'success');

    const deleted = await t.app.get(LogRetentionService).deleteExpired();
    expect(deleted).toBe(RETENTION_BATCH + 10);
    const remaining = await t.dataSource.query(
      `SELECT status, count(*)::int AS n FROM webhook_logs WHERE webhook_id = $1 GROUP BY status ORDER BY status`,
      [id],
    );
    expect(remaining).toEqual([
      { status: 'retrying', n: 2 },
      { status: 'success', n: 4 },
    ]);
  });

  it('is scheduled hourly by a BullMQ job scheduler', async () => {
    const queue = t.app.get(LogRetentionProcessor).queue;
    // Registered without blocking boot, so it may land a moment after the app is up.
    const schedulers = await waitUntil(
      () => queue.getJobSchedulers(),
      (found) => found.length > 0,
    );
    expect(schedulers).toEqual([
      expect.objectContaining({ key: 'log-retention', every: 3_600_000 }),
    ]);
  });
});
