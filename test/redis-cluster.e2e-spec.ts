import type { Queue } from 'bullmq';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import request from 'supertest';
import type { WebhooksService as WebhooksServiceType } from '../src/modules/webhooks/webhooks.service';
import { shardOf } from '../src/modules/webhooks/redis/queue-shards';
import { FAST_RETRIES } from './helpers/delivery-harness';
import { createIsolatedTestApp, withIsolatedModules } from './helpers/isolated';
import { TestReceiver } from './helpers/receiver';
import { deleteRedisKeys } from './helpers/redis-keys';
import {
  deleteClusterKeys,
  masterOf,
  startClusterNode,
  startRedisCluster,
  stopClusterNode,
  withCluster,
} from './helpers/redis-cluster';
import type { TestApp } from './helpers/test-app';
import { webhookBody } from './helpers/test-app';
import { liveDeliveryJobs, waitUntil } from './helpers/waiting';
import { BASE_DATABASE_URL, withDatabase } from './setup/test-env';

const BASE = '/api/v1/webhooks';
const SHARDS = 4;
const CONCURRENCY = 20;

/**
 * The app on a real local 3-master Redis Cluster (scripts/redis-cluster.sh, started here if it
 * is not running) with QUEUE_SHARDS=4, and REDIS_URL pointing at a closed port: whatever still
 * used the single-server URL would fail. The file has its own database, so the outbox relay
 * sees only its rows.
 */
describe('On a Redis Cluster with four delivery shards (e2e)', () => {
  jest.setTimeout(60_000);
  const database = `${process.env.TEST_DATABASE_NAME}_cluster`;
  let queuePrefix: string;
  let seeds: string[];
  /** The master (`host:port`) of each shard's slot. */
  let shardMasters: string[];
  let t: TestApp;
  let webhooks: WebhooksServiceType;
  let queues: ReadonlyArray<Queue>;
  let receiver: TestReceiver;
  let postgres: typeof Client;
  const admin = () => t.as(randomUUID(), { admin: true });

  beforeAll(async () => {
    seeds = await startRedisCluster();
    // A prefix whose shards are not all on one master, so one can stop while others go on.
    ({ queuePrefix, shardMasters } = await withCluster(seeds, async (cluster) => {
      for (let attempt = 0; ; attempt++) {
        const prefix = `${process.env.QUEUE_PREFIX}-cluster${attempt}`;
        const masters = await Promise.all(
          Array.from({ length: SHARDS }, (_, shard) => masterOf(cluster, `{${prefix}:${shard}}`)),
        );
        if (new Set(masters).size > 1) return { queuePrefix: prefix, shardMasters: masters };
      }
    }));
    receiver = await TestReceiver.start();
    const env = {
      DATABASE_URL: withDatabase(BASE_DATABASE_URL, database),
      QUEUE_PREFIX: queuePrefix,
      REDIS_CLUSTER_NODES: seeds.join(','),
      REDIS_URL: 'redis://127.0.0.1:1',
      QUEUE_SHARDS: String(SHARDS),
      WEBHOOK_WORKER_CONCURRENCY: String(CONCURRENCY),
    };
    ({ t, webhooks, queues, postgres } = await withIsolatedModules(env, async () => {
      // pg is loaded in the app's module registry only: a second copy breaks TypeORM's driver.
      const { Client } = await import('pg');
      await withPostgres(Client, (pg) => pg.query(`CREATE DATABASE "${database}"`));
      const { createTestApp } = await import('./helpers/test-app');
      const { WebhooksService } = await import('../src/modules/webhooks/webhooks.service');
      const { WEBHOOK_DELIVERY_QUEUES } = await import('../src/modules/webhooks');
      const app = await createTestApp();
      return {
        t: app,
        webhooks: app.app.get(WebhooksService),
        queues: app.app.get<Queue[]>(WEBHOOK_DELIVERY_QUEUES),
        postgres: Client,
      };
    }));
  });

  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    if (seeds) await deleteClusterKeys(seeds, `*${queuePrefix}*`);
    if (postgres) {
      await withPostgres(postgres, (pg) =>
        pg.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
      );
    }
  });

  async function createWebhooks(tenantId: string, count: number, extra: object = {}) {
    const created: Array<{ id: string; path: string }> = [];
    for (let i = 0; i < count; i++) {
      const path = `/cluster-${randomUUID()}`;
      const res = await t
        .as(tenantId)
        .post(
          BASE,
          webhookBody({
            url: receiver.url(path),
            events: ['message.sent'],
            retryPolicy: FAST_RETRIES,
            ...extra,
          }),
        )
        .expect(201);
      created.push({ id: res.body.id, path });
    }
    return created;
  }

  async function rowsOf(webhookIds: string[]) {
    return (await t.dataSource.query(
      `SELECT id, webhook_id AS "webhookId", status FROM webhook_logs
        WHERE webhook_id = ANY($1::uuid[])`,
      [webhookIds],
    )) as Array<{ id: string; webhookId: string; status: string }>;
  }

  async function allLiveJobs(webhookIds: string[]) {
    const live = await Promise.all(queues.map((queue) => liveDeliveryJobs(queue, webhookIds)));
    return live.flat();
  }

  /** Every row of these webhooks final and no job of theirs left on any shard. */
  async function waitUntilSettled(webhookIds: string[], timeoutMs = 20_000) {
    await waitUntil(
      async () => ({
        open: (await rowsOf(webhookIds)).filter(
          (row) => !['success', 'failed'].includes(row.status),
        ).length,
        live: (await allLiveJobs(webhookIds)).length,
      }),
      ({ open, live }) => open === 0 && live === 0,
      timeoutMs,
    );
  }

  it('puts each webhook on its shard, each shard in a slot of its own, and delivers all', async () => {
    const tenantId = randomUUID();
    const hooks = await createWebhooks(tenantId, 12);
    const ids = hooks.map((hook) => hook.id);
    await admin().post(`${BASE}/queue/pause`).expect(200);
    try {
      for (let n = 0; n < 3; n++) await webhooks.triggerEvent(tenantId, 'message.sent', { n });
      const expected = new Array<number>(SHARDS).fill(0);
      for (const id of ids) expected[shardOf(id, SHARDS)] += 3;
      expect(expected.filter((count) => count > 0).length).toBeGreaterThan(1);

      const stats = await waitUntil(
        async () => (await admin().get(`${BASE}/queue/stats`).expect(200)).body,
        (body) => body.paused === 36,
      );
      expect(stats.shards.map((shard: { paused: number }) => shard.paused)).toEqual(expected);
      expect(stats.shards.map((shard: { queue: string }) => shard.queue)).toEqual([
        'webhook-delivery',
        'webhook-delivery-1',
        'webhook-delivery-2',
        'webhook-delivery-3',
      ]);

      // Each row's job is on its webhook's shard, in the same slot as the rest of that queue.
      const rows = await rowsOf(ids);
      expect(rows).toHaveLength(36);
      await withCluster(seeds, async (cluster) => {
        const slotOf = async (key: string) => (await cluster.cluster('KEYSLOT', key)) as number;
        const queueSlots = await Promise.all(queues.map((queue) => slotOf(queue.keys.wait)));
        expect(new Set(queueSlots).size).toBeGreaterThan(1);
        for (const row of rows) {
          const queue = queues[shardOf(row.webhookId, SHARDS)];
          const jobKey = `${queue.keys.wait.slice(0, -'wait'.length)}${row.id}`;
          expect(await cluster.exists(jobKey)).toBe(1);
          expect(await slotOf(jobKey)).toBe(queueSlots[queues.indexOf(queue)]);
        }
      });
    } finally {
      await admin().post(`${BASE}/queue/resume`).expect(200);
    }
    await waitUntilSettled(ids);
    expect((await rowsOf(ids)).every((row) => row.status === 'success')).toBe(true);
    for (const hook of hooks) expect(receiver.received(hook.path)).toHaveLength(3);
  });

  it('spaces a rate-limited webhook through the cluster', async () => {
    const tenantId = randomUUID();
    const [hook] = await createWebhooks(tenantId, 1, { rateLimitPerSecond: 5 });
    await Promise.all(
      Array.from({ length: 6 }, (_, n) => webhooks.triggerEvent(tenantId, 'message.sent', { n })),
    );
    const received = await receiver.waitFor(6, hook.path);
    const times = received.map((request) => request.receivedAt).sort((a, b) => a - b);
    // Six sends 200 ms apart span at least a second (less a little for timer granularity).
    expect(times[5] - times[0]).toBeGreaterThanOrEqual(900);
    await waitUntilSettled([hook.id]);
  });

  it('the relay puts a row whose job was removed back on its own shard', async () => {
    const tenantId = randomUUID();
    const [hook] = await createWebhooks(tenantId, 1);
    const shard = shardOf(hook.id, SHARDS);
    await admin().post(`${BASE}/queue/pause`).expect(200);
    try {
      await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
      const [row] = await rowsOf([hook.id]);
      const job = await waitUntil(
        () => queues[shard].getJob(row.id),
        (found) => found !== undefined,
      );
      await job!.remove();
      expect(await queues[shard].getJob(row.id)).toBeUndefined();
      // The row is overdue after the relay's grace (5 s) and comes back at its next pass.
      await waitUntil(
        () => queues[shard].getJob(row.id),
        (found) => found !== undefined,
        15_000,
      );
      const elsewhere = await Promise.all(
        queues.filter((_, i) => i !== shard).map((queue) => queue.getJob(row.id)),
      );
      expect(elsewhere).toEqual(new Array(SHARDS - 1).fill(undefined));
    } finally {
      await admin().post(`${BASE}/queue/resume`).expect(200);
    }
    await receiver.waitFor(1, hook.path);
    await waitUntilSettled([hook.id]);
    expect((await rowsOf([hook.id])).map((row) => row.status)).toEqual(['success']);
  });

  it('loses nothing when a master restarts empty in the middle of a run', async () => {
    const tenantId = randomUUID();
    const hooks = await createWebhooks(tenantId, 8);
    const ids = hooks.map((hook) => hook.id);
    // The master holding the first webhook's shard: its queue (and what else lives there)
    // goes away and comes back empty.
    const victim = shardMasters[shardOf(ids[0], SHARDS)];
    const port = Number(victim.split(':').pop());
    expect(await withCluster(seeds, (cluster) => masterOf(cluster, queues[0].keys.wait))).toBe(
      shardMasters[0],
    );
    // Another tenant's webhook on a shard of a master that stays up.
    const otherTenant = randomUUID();
    let bystander: { id: string; path: string };
    do [bystander] = await createWebhooks(otherTenant, 1);
    while (shardMasters[shardOf(bystander.id, SHARDS)] === victim);
    const bystanderQueue = queues[shardOf(bystander.id, SHARDS)];

    const committed: string[] = [];
    const triggerSome = async (count: number) => {
      for (let n = 0; n < count; n++) {
        committed.push((await webhooks.triggerEvent(tenantId, 'message.sent', { n })).eventId);
      }
    };
    await triggerSome(10);
    await stopClusterNode(port);
    await triggerSome(5);
    // While that master is down, the relay still serves the others: a job removed from a live
    // shard comes back and is delivered.
    await bystanderQueue.pause();
    await webhooks.triggerEvent(otherTenant, 'message.sent', { n: 0 });
    const [bystanderRow] = await rowsOf([bystander.id]);
    const job = await waitUntil(
      () => bystanderQueue.getJob(bystanderRow.id),
      (found) => found !== undefined,
    );
    await job!.remove();
    await bystanderQueue.resume();
    await receiver.waitFor(1, bystander.path, 15_000);
    await triggerSome(5);
    await startClusterNode(port);
    await triggerSome(10);

    await waitUntilSettled([...ids, bystander.id], 40_000);
    expect((await rowsOf([bystander.id])).map((row) => row.status)).toEqual(['success']);
    const rows = await rowsOf(ids);
    // The ledger: every committed event has a row per webhook, every row succeeded, and the
    // receivers got every delivery id at least once.
    expect(committed).toHaveLength(30);
    expect(rows).toHaveLength(30 * hooks.length);
    expect(rows.filter((row) => row.status !== 'success')).toEqual([]);
    const requests = hooks.flatMap((hook) => receiver.received(hook.path));
    const deliveredIds = requests.map((request) => request.headers['x-webhook-delivery']);
    expect(new Set(deliveredIds)).toEqual(new Set(rows.map((row) => row.id)));
    const eventIds = new Set(requests.map((request) => request.headers['webhook-id']));
    expect(eventIds).toEqual(new Set(committed));
    // A delivery is sent twice only when its job was lost while in flight: at most as many as
    // the process runs at once.
    expect(requests.length - rows.length).toBeLessThanOrEqual(CONCURRENCY);
  });
});

/** Shards need no cluster: on one Redis they are plain queues under the usual prefix. */
describe('On one Redis with two delivery shards (e2e)', () => {
  const queuePrefix = `${process.env.QUEUE_PREFIX}-shards`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let t: TestApp;
  let webhooks: WebhooksServiceType;
  let receiver: TestReceiver;

  beforeAll(async () => {
    receiver = await TestReceiver.start();
    ({ t, webhooks } = await createIsolatedTestApp({
      QUEUE_PREFIX: queuePrefix,
      QUEUE_SHARDS: '2',
    }));
  });

  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    await deleteRedisKeys(redisUrl, `${queuePrefix}:*`);
  });

  /** `count` webhooks of the tenant for message.sent, each at a receiver path of its own. */
  async function registerHooks(tenantId: string, count: number) {
    const hooks: Array<{ id: string; path: string }> = [];
    for (let i = 0; i < count; i++) {
      const path = `/shards-${randomUUID()}`;
      const res = await t
        .as(tenantId)
        .post(BASE, webhookBody({ url: receiver.url(path), events: ['message.sent'] }))
        .expect(201);
      hooks.push({ id: res.body.id, path });
    }
    return hooks;
  }

  it('names the shards webhook-delivery and webhook-delivery-1, without hash tags', async () => {
    const tenantId = randomUUID();
    const hooks = await registerHooks(tenantId, 6);
    const admin = t.as(randomUUID(), { admin: true });
    await admin.post(`${BASE}/queue/pause`).expect(200);
    try {
      await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
      const expected = [0, 0];
      for (const { id } of hooks) expected[shardOf(id, 2)]++;
      const stats = await waitUntil(
        async () => (await admin.get(`${BASE}/queue/stats`).expect(200)).body,
        (body) => body.paused === hooks.length,
      );
      expect(stats.shards).toEqual(
        ['webhook-delivery', 'webhook-delivery-1'].map((queue, shard) =>
          expect.objectContaining({ shard, queue, paused: expected[shard] }),
        ),
      );
      const redis = new Redis(redisUrl);
      try {
        const lengths = await Promise.all(
          ['webhook-delivery', 'webhook-delivery-1'].map((queue) =>
            redis.llen(`${queuePrefix}:${queue}:wait`),
          ),
        );
        expect(lengths).toEqual(expected);
      } finally {
        redis.disconnect();
      }
    } finally {
      await admin.post(`${BASE}/queue/resume`).expect(200);
    }
    for (const hook of hooks) await receiver.waitFor(1, hook.path);
  });

  it('queues no second job for a row whose job sits on its shard from before QUEUE_SHARDS changed', async () => {
    const tenantId = randomUUID();
    const hooks = await registerHooks(tenantId, 2);
    const queues = t.app.get<Queue[]>('WEBHOOK_DELIVERY_QUEUES');
    const admin = t.as(randomUUID(), { admin: true });
    await admin.post(`${BASE}/queue/pause`).expect(200);
    try {
      await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
      const rows: Array<{ id: string; webhook_id: string }> = await t.dataSource.query(
        `SELECT id, webhook_id FROM webhook_logs WHERE webhook_id = ANY($1)`,
        [hooks.map((hook) => hook.id)],
      );
      const [moved, control] = hooks.map((hook) => {
        const row = rows.find((r) => r.webhook_id === hook.id)!;
        return { row, shard: shardOf(hook.id, 2) };
      });
      const jobOf = (id: string, shard: number) =>
        waitUntil(
          () => queues[shard].getJob(id),
          (found) => found !== undefined,
        );
      // The moved row's job as an earlier shard count placed it: on the other shard.
      const original = await jobOf(moved.row.id, moved.shard);
      await original!.remove();
      await queues[1 - moved.shard].add('deliver', original!.data, { jobId: moved.row.id });
      // The control row has lost its job: the relay's pass re-enqueues it.
      await (await jobOf(control.row.id, control.shard))!.remove();
      await t.dataSource.query(
        `UPDATE webhook_logs SET next_attempt_at = now() - interval '1 minute' WHERE id = ANY($1)`,
        [[moved.row.id, control.row.id]],
      );

      await waitUntil(
        () => queues[control.shard].getJob(control.row.id),
        (found) => found !== undefined,
        15_000,
      );
      expect(await queues[moved.shard].getJob(moved.row.id)).toBeUndefined();
      expect(await queues[1 - moved.shard].getJob(moved.row.id)).toBeDefined();
    } finally {
      await admin.post(`${BASE}/queue/resume`).expect(200);
    }
    for (const hook of hooks) await receiver.waitFor(1, hook.path);
    await waitUntil(
      async () =>
        (await t.dataSource.query(
          `SELECT count(*)::int AS n FROM webhook_logs WHERE webhook_id = ANY($1) AND status = 'success'`,
          [hooks.map((hook) => hook.id)],
        )) as Array<{ n: number }>,
      ([{ n }]) => n === 2,
    );
    for (const hook of hooks) expect(receiver.received(hook.path)).toHaveLength(1);
  });

  it('shows every shard in Bull Board', async () => {
    const res = await request(t.app.getHttpServer())
      .get('/admin/queues/api/queues')
      .set('Authorization', `Bearer ${t.token(randomUUID(), { admin: true })}`)
      .expect(200);
    expect(res.body.queues.map((queue: { name: string }) => queue.name).sort()).toEqual([
      'webhook-delivery',
      'webhook-delivery-1',
    ]);
  });
});

async function withPostgres<T>(pg: typeof Client, body: (client: Client) => Promise<T>) {
  const client = new pg({ connectionString: withDatabase(BASE_DATABASE_URL, 'postgres') });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}
