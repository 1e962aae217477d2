import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import request from 'supertest';
import type { WebhooksService as WebhooksServiceType } from '../src/modules/webhooks/webhooks.service';
import { WEBHOOK_DELIVERY_QUEUE } from '../src/modules/webhooks/delivery/webhook-queue';
import { withIsolatedModules } from './helpers/isolated';
import { TestReceiver } from './helpers/receiver';
import type { TestApp } from './helpers/test-app';
import { webhookBody } from './helpers/test-app';
import { waitUntil } from './helpers/waiting';
import { BASE_DATABASE_URL, withDatabase } from './setup/test-env';
import { deleteRedisKeys } from './helpers/redis-keys';

const BASE = '/api/v1/webhooks';
const QUEUE = `${BASE}/queue`;
const ADMIN_ROUTES: Array<[method: 'get' | 'post', path: string]> = [
  ['get', `${QUEUE}/stats`],
  ['post', `${QUEUE}/retry-failed`],
  ['post', `${QUEUE}/pause`],
  ['post', `${QUEUE}/resume`],
];
const IDLE = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0, paused: 0 };

/**
 * The counts are global to a queue, and the outbox relay enqueues every overdue delivery row it
 * finds in Postgres. So this file gets a database and a queue prefix of its own: rows and jobs
 * other spec files leave behind can't change the numbers asserted here.
 */
describe('Queue admin routes (e2e)', () => {
  jest.setTimeout(60_000);
  const database = `${process.env.TEST_DATABASE_NAME}_queue_admin`;
  const queuePrefix = `${process.env.QUEUE_PREFIX}-queue-admin`;
  let t: TestApp;
  let webhooks: WebhooksServiceType;
  let queue: Queue;
  let receiver: TestReceiver;
  let admin: ReturnType<TestApp['as']>;

  let postgres: typeof Client;

  beforeAll(async () => {
    ({ t, webhooks, postgres } = await withIsolatedModules(
      { DATABASE_URL: withDatabase(BASE_DATABASE_URL, database), QUEUE_PREFIX: queuePrefix },
      async () => {
        // pg is loaded in the app's module registry only: a second copy breaks TypeORM's driver.
        const { Client } = await import('pg');
        await withPostgres(Client, (pg) => pg.query(`CREATE DATABASE "${database}"`));
        const { createTestApp } = await import('./helpers/test-app');
        const { WebhooksService } = await import('../src/modules/webhooks/webhooks.service');
        const app = await createTestApp();
        return { t: app, webhooks: app.app.get(WebhooksService), postgres: Client };
      },
    ));
    queue = t.app.get<Queue>(getQueueToken(WEBHOOK_DELIVERY_QUEUE));
    receiver = await TestReceiver.start();
    admin = t.as(randomUUID(), { admin: true });
  });

  afterAll(async () => {
    await queue?.resume();
    await t?.close();
    await receiver?.close();
    await deleteRedisKeys(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', `${queuePrefix}:*`);
    await withPostgres(postgres, (pg) =>
      pg.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
    );
  });

  const stats = async () => (await admin.get(`${QUEUE}/stats`).expect(200)).body;

  async function createWebhook(tenantId: string, path: string, extra: object = {}) {
    return (
      await t
        .as(tenantId)
        .post(BASE, webhookBody({ url: receiver.url(path), events: ['message.sent'], ...extra }))
        .expect(201)
    ).body as { id: string };
  }

  async function logs(tenantId: string, webhookId: string) {
    const res = await t.as(tenantId).get(`${BASE}/${webhookId}/logs`).expect(200);
    return res.body.data as Array<{ id: string; status: string }>;
  }

  describe('auth', () => {
    it.each(ADMIN_ROUTES)('%s %s without a token → 401', async (method, path) => {
      const res = await request(t.app.getHttpServer())[method](path);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: expect.any(String),
      });
    });

    it.each(ADMIN_ROUTES)('%s %s with a bad token → 401', async (method, path) => {
      const res = await request(t.app.getHttpServer())
        [method](path)
        .set('Authorization', 'Bearer aaa.bbb.ccc');
      expect(res.status).toBe(401);
    });

    it.each(ADMIN_ROUTES)('%s %s without the admin role → 403', async (method, path) => {
      const res = await t.as(randomUUID())[method](path);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: 'This route needs the admin role',
      });
    });

    it('a non-admin pause changes nothing', async () => {
      await t.as(randomUUID()).post(`${QUEUE}/pause`).expect(403);
      expect(await queue.isPaused()).toBe(false);
    });

    it('are documented in the OpenAPI document', async () => {
      const res = await request(t.app.getHttpServer()).get('/api/docs-json').expect(200);
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining(ADMIN_ROUTES.map(([, path]) => path)),
      );
      expect(res.body.components.schemas.QueueStatsResponse.required).toEqual(
        expect.arrayContaining(Object.keys(IDLE)),
      );
    });
  });

  it('stats of an idle queue are all zero', async () => {
    expect(await stats()).toEqual(IDLE);
  });

  it('counts running deliveries as active and retries as delayed', async () => {
    const tenantId = randomUUID();
    const slow = `/slow-${randomUUID()}`;
    receiver.script(slow, { status: 200, delayMs: 2500 }, { status: 200, delayMs: 2500 });
    await createWebhook(tenantId, slow);
    await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
    await webhooks.triggerEvent(tenantId, 'message.sent', { n: 2 });

    await receiver.waitFor(2, slow);
    expect(await stats()).toEqual({ ...IDLE, active: 2 });
    await waitUntil(stats, (s) => s.active === 0);
    expect(await stats()).toEqual(IDLE);

    const failing = `/failing-${randomUUID()}`;
    receiver.script(failing, { status: 500 });
    const retryLater = {
      retryPolicy: { maxAttempts: 3, backoff: 'fixed', initialDelayMs: 60_000, maxDelayMs: 60_000 },
    };
    const webhook = await createWebhook(tenantId, failing, retryLater);
    await webhooks.triggerEvent(tenantId, 'message.sent', { n: 3 });
    await receiver.waitFor(1, failing);
    expect(await waitUntil(stats, (s) => s.delayed === 1)).toEqual({ ...IDLE, delayed: 1 });

    // Leave an idle queue for the next tests: drop the retry that is waiting for its minute
    // (and the row, which the outbox relay would re-enqueue once it is overdue).
    const [log] = await logs(tenantId, webhook.id);
    expect(log.status).toBe('retrying');
    await queue.remove(log.id);
    await t.as(tenantId).delete(`${BASE}/${webhook.id}`).expect(204);
    expect(await stats()).toEqual(IDLE);
  });

  it('pause holds new deliveries; resume delivers them', async () => {
    const tenantId = randomUUID();
    const path = `/paused-${randomUUID()}`;
    const webhook = await createWebhook(tenantId, path);

    expect((await admin.post(`${QUEUE}/pause`).expect(200)).body).toEqual({ isPaused: true });
    // Pausing twice is harmless.
    await admin.post(`${QUEUE}/pause`).expect(200);
    for (let n = 0; n < 3; n++) await webhooks.triggerEvent(tenantId, 'message.sent', { n });

    expect(await waitUntil(stats, (s) => s.paused === 3)).toEqual({ ...IDLE, paused: 3 });
    // The worker is running and idle, yet nothing goes out while the queue is paused (the
    // pause is a flag in the queue's Redis keys that every worker checks before taking a job).
    // To know that a worker has looked since, queue a fourth delivery with a short delay: only
    // a worker's fetch moves due delayed jobs to waiting, and it does so before it checks the
    // flag. Once that job has left the delayed set, a worker has had its turn at the queue.
    const { eventId } = await webhooks.triggerEvent(tenantId, 'message.sent', { n: 3 });
    const [late] = await t.dataSource.query(`SELECT id FROM webhook_logs WHERE event_id = $1`, [
      eventId,
    ]);
    const job = (await queue.getJob(late.id))!;
    await job.remove();
    await queue.add(job.name, job.data, { ...job.opts, jobId: job.id, delay: 100 });
    expect(await waitUntil(stats, (s) => s.delayed === 0)).toEqual({ ...IDLE, paused: 4 });
    expect(receiver.received(path)).toHaveLength(0);
    expect((await logs(tenantId, webhook.id)).map((log) => log.status)).toEqual([
      'pending',
      'pending',
      'pending',
      'pending',
    ]);

    expect((await admin.post(`${QUEUE}/resume`).expect(200)).body).toEqual({ isPaused: false });
    await receiver.waitFor(4, path);
    await waitUntil(
      () => logs(tenantId, webhook.id),
      (rows) => rows.every((log) => log.status === 'success'),
    );
    expect(await waitUntil(stats, (s) => s.active === 0)).toEqual(IDLE);
  });

  it('retry-failed runs every failed job again', async () => {
    const tenantId = randomUUID();
    const path = `/recovering-${randomUUID()}`;
    const webhook = await createWebhook(tenantId, path);
    expect((await admin.post(`${QUEUE}/retry-failed`).expect(202)).body).toEqual({ queued: 0 });

    // A job is "failed" in BullMQ's sense only when the processor throws on its last BullMQ
    // attempt; an endpoint answering 500 is a delivery outcome, not a job failure. The processor
    // throws when Postgres refuses its writes, so: hold the delivery on the paused queue, give
    // its job a single BullMQ attempt (the real 8 attempts back off for minutes), make Postgres
    // refuse to update this webhook's log rows, and let the worker run it.
    await admin.post(`${QUEUE}/pause`).expect(200);
    await webhooks.triggerEvent(tenantId, 'message.sent', { outage: true });
    const [log] = await logs(tenantId, webhook.id);
    const held = (await queue.getJob(log.id))!;
    await held.remove();
    await queue.add(held.name, held.data, { ...held.opts, jobId: held.id, attempts: 1 });
    // The outbox relay would revive the job by itself once the row is 10 s overdue; keep it
    // out of this test by making the row due in an hour (the claim on retry resets it).
    await t.dataSource.query(
      `UPDATE webhook_logs SET next_attempt_at = now() + interval '1 hour' WHERE id = $1`,
      [log.id],
    );
    await t.dataSource.query(`
      CREATE FUNCTION queue_admin_outage() RETURNS trigger LANGUAGE plpgsql
        AS $$ BEGIN RAISE EXCEPTION 'simulated outage'; END $$;
      CREATE TRIGGER queue_admin_outage BEFORE UPDATE ON webhook_logs
        FOR EACH ROW WHEN (OLD.webhook_id = '${webhook.id}') EXECUTE FUNCTION queue_admin_outage();
    `);
    try {
      await admin.post(`${QUEUE}/resume`).expect(200);
      expect(await waitUntil(stats, (s) => s.failed === 1)).toEqual({ ...IDLE, failed: 1 });
      expect((await queue.getJob(log.id))!.failedReason).toMatch(/simulated outage/);
    } finally {
      await t.dataSource.query(`
        DROP TRIGGER IF EXISTS queue_admin_outage ON webhook_logs;
        DROP FUNCTION IF EXISTS queue_admin_outage();
      `);
    }
    expect(receiver.received(path)).toHaveLength(0);
    expect((await logs(tenantId, webhook.id))[0].status).toBe('pending');

    // The outage is over: the operator re-runs what failed.
    expect((await admin.post(`${QUEUE}/retry-failed`).expect(202)).body).toEqual({ queued: 1 });
    const [delivered] = await receiver.waitFor(1, path);
    expect(delivered.headers['x-webhook-delivery']).toBe(log.id);
    await waitUntil(
      () => logs(tenantId, webhook.id),
      (rows) => rows[0].status === 'success',
    );
    expect(await waitUntil(stats, (s) => s.active === 0)).toEqual(IDLE);
    expect((await admin.post(`${QUEUE}/retry-failed`).expect(202)).body).toEqual({ queued: 0 });
  });
});

async function withPostgres<T>(
  PgClient: typeof Client,
  body: (pg: Client) => Promise<T>,
): Promise<T> {
  const pg = new PgClient({ connectionString: withDatabase(BASE_DATABASE_URL, 'postgres') });
  await pg.connect();
  try {
    return await body(pg);
  } finally {
    await pg.end();
  }
}
