import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { SCHEDULER_CHECK_INTERVAL_MS } from '../src/modules/webhooks/retention/job-scheduler-keeper';
import type { WebhooksService } from '../src/modules/webhooks/webhooks.service';
import { createIsolatedTestApp, withIsolatedModules } from './helpers/isolated';
import {
  freePort,
  ProcessOutput,
  startRedis,
  startWorkerProcess,
  stop,
  stopWithin,
} from './helpers/processes';
import { ReceivedRequest, TestReceiver } from './helpers/receiver';
import type { TestApp } from './helpers/test-app';
import { webhookBody } from './helpers/test-app';
import { waitUntil } from './helpers/waiting';

const BASE = '/api/v1/webhooks';
/** docs/operations.md: a worker exits within 40 s of SIGTERM (35 s for its deliveries). */
const SHUTDOWN_BOUND_MS = 40_000;

interface Worker {
  child: ChildProcess;
  output: ProcessOutput;
}

/**
 * Real worker processes against a Redis of their own that the tests kill (SIGKILL) and restart
 * empty, as a crashed Redis without persistence comes back.
 */
describe('Redis faults (e2e)', () => {
  jest.setTimeout(120_000);
  let receiver: TestReceiver;
  let redisPort: number;
  let redis: ChildProcess;
  let redisEnv: Record<string, string>;
  let t: TestApp;
  let webhooks: WebhooksService;
  const workers: Worker[] = [];

  beforeAll(async () => {
    receiver = await TestReceiver.start();
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    redisEnv = { REDIS_URL: `redis://127.0.0.1:${redisPort}` };
    // Only the worker processes deliver; this app serves the API and triggers events.
    ({ t, webhooks } = await createIsolatedTestApp({ ...redisEnv, WORKER_ENABLED: 'false' }));
  });
  // A test that failed may have left Redis stopped.
  beforeEach(() => ensureRedis());
  afterAll(async () => {
    for (const { child } of workers) await stop(child, 'SIGKILL');
    await ensureRedis();
    await t.close();
    await stop(redis);
    await receiver.close();
  });

  async function ensureRedis(): Promise<void> {
    if (redis.exitCode !== null || redis.signalCode !== null) redis = await startRedis(redisPort);
  }

  async function startWorker(
    concurrency: number,
    env: Record<string, string> = {},
  ): Promise<Worker> {
    const child = await startWorkerProcess({
      ...redisEnv,
      WEBHOOK_WORKER_CONCURRENCY: String(concurrency),
      ...env,
    });
    const worker = { child, output: new ProcessOutput(child) };
    workers.push(worker);
    return worker;
  }

  /** A webhook whose receiver answers the first `slow` requests after `delayMs`. */
  async function slowWebhook(tenantId: string, slow: number, delayMs: number) {
    const path = `/slow-${randomUUID()}`;
    receiver.script(path, ...Array.from({ length: slow }, () => ({ status: 200, delayMs })));
    const webhook = (
      await t
        .as(tenantId)
        .post(BASE, webhookBody({ url: receiver.url(path), timeoutMs: 30_000 }))
        .expect(201)
    ).body as { id: string; secret: string };
    return { ...webhook, path };
  }

  async function trigger(tenantId: string, count: number): Promise<string[]> {
    const eventIds: string[] = [];
    for (let n = 0; n < count; n++) {
      eventIds.push((await webhooks.triggerEvent(tenantId, 'message.sent', { n })).eventId);
    }
    return eventIds;
  }

  /** The webhook's delivery rows by status, e.g. { sending: 20, pending: 30 }. */
  async function statusCounts(webhookId: string): Promise<Record<string, number>> {
    const rows: Array<{ status: string; n: number }> = await t.dataSource.query(
      `SELECT status, count(*)::int AS n FROM webhook_logs WHERE webhook_id = $1 GROUP BY status`,
      [webhookId],
    );
    return Object.fromEntries(rows.map(({ status, n }) => [status, n]));
  }

  function eventIdsOf(requests: ReceivedRequest[]): string[] {
    return requests.map((r) => r.headers['webhook-id'] as string);
  }

  function verifySignatures(secret: string, requests: ReceivedRequest[]): void {
    const signer = new StandardWebhook(secret);
    for (const { body, headers } of requests) {
      signer.verify(body, {
        'webhook-id': headers['webhook-id'] as string,
        'webhook-timestamp': headers['webhook-timestamp'] as string,
        'webhook-signature': headers['webhook-signature'] as string,
      });
    }
  }

  it('keeps delivering when Redis restarts empty while every worker slot is busy', async () => {
    const concurrency = 10;
    const [first, second] = await Promise.all([startWorker(concurrency), startWorker(concurrency)]);
    const slots = 2 * concurrency;
    const events = 50;
    const tenantId = randomUUID();
    const webhook = await slowWebhook(tenantId, events, 1500);
    const eventIds = await trigger(tenantId, events);

    // Every slot of both workers is waiting on the receiver, the rest is queued behind them.
    await receiver.waitFor(slots, webhook.path, 30_000);
    expect(await statusCounts(webhook.id)).toEqual({ sending: slots, pending: events - slots });
    const before = [first.output.lines, second.output.lines];
    await stop(redis, 'SIGKILL');

    // Postgres is up: the answers that arrive while Redis is down are recorded.
    await waitUntil(
      () => statusCounts(webhook.id),
      (counts) => counts.success === slots,
      20_000,
    );
    redis = await startRedis(redisPort);

    // The restarted Redis has lost every job; the relay puts the pending rows back.
    await waitUntil(
      () => statusCounts(webhook.id),
      (counts) => counts.success === events,
      60_000,
    );
    const requests = receiver.received(webhook.path);
    expect(new Set(eventIdsOf(requests))).toEqual(new Set(eventIds));
    // Only a delivery in flight when Redis went away may have been sent twice.
    expect(requests.length - events).toBeLessThanOrEqual(slots);
    verifySignatures(webhook.secret, requests);
    // A few lines about the lost connection, not a flood.
    expect(first.output.lines - before[0]).toBeLessThan(200);
    expect(second.output.lines - before[1]).toBeLessThan(200);

    for (const worker of [first, second]) {
      expect(worker.child.exitCode).toBeNull();
      expect(await stopWithin(worker.child, SHUTDOWN_BOUND_MS)).toEqual({ code: 0, signal: null });
    }
  });

  it('on SIGTERM with Redis down, records the deliveries in flight and exits 0', async () => {
    const concurrency = 4;
    // At debug, the worker says when its scheduler check sends a command.
    const worker = await startWorker(concurrency, { LOG_LEVEL: 'debug' });
    const events = 6;
    const tenantId = randomUUID();
    // The receiver answers after the next scheduler check, at most one interval away.
    const webhook = await slowWebhook(tenantId, concurrency, SCHEDULER_CHECK_INTERVAL_MS + 6000);
    const eventIds = await trigger(tenantId, events);

    await receiver.waitFor(concurrency, webhook.path, 30_000);
    expect(await statusCounts(webhook.id)).toEqual({
      sending: concurrency,
      pending: events - concurrency,
    });
    let checksWhileDown = 0;
    worker.child.stdout!.on('data', (chunk: Buffer) => {
      checksWhileDown += chunk.toString().split('Checking that job scheduler').length - 1;
    });
    await stop(redis, 'SIGKILL');
    // Until the maintenance queue too has a command waiting for Redis at SIGTERM.
    await waitUntil(
      async () => checksWhileDown,
      (n) => n > 0,
      SCHEDULER_CHECK_INTERVAL_MS + 5000,
    );

    expect(await stopWithin(worker.child, SHUTDOWN_BOUND_MS)).toEqual({ code: 0, signal: null });
    expect(worker.output.recent()).toContain(
      `Shutting down: waiting for ${concurrency} in-flight deliveries (at most 35 s)`,
    );
    // It waited for the receiver's answers and recorded them before exiting.
    expect(await statusCounts(webhook.id)).toEqual({
      success: concurrency,
      pending: events - concurrency,
    });

    // Redis comes back empty; another worker's relay re-queues the rest.
    redis = await startRedis(redisPort);
    await startWorker(concurrency);
    await waitUntil(
      () => statusCounts(webhook.id),
      (counts) => counts.success === events,
      60_000,
    );
    const requests = receiver.received(webhook.path);
    // Nothing lost, and the deliveries recorded at shutdown were not sent again.
    expect(eventIdsOf(requests).sort()).toEqual([...eventIds].sort());
    verifySignatures(webhook.secret, requests);
  });
});

/**
 * The module embedded in a host app built the host's way (its own BullModule.forRoot with a
 * plain connection), not through AppModule: the webhook modules themselves give their workers
 * a worker's connection settings and drop unreachable queue connections at shutdown.
 */
describe('WebhooksModule in a host app with Redis down (e2e)', () => {
  jest.setTimeout(60_000);

  async function createHostApp(redisUrl: string) {
    return withIsolatedModules({ REDIS_URL: redisUrl, WORKER_ENABLED: 'true' }, async () => {
      const { Test } = await import('@nestjs/testing');
      const { BullModule } = await import('@nestjs/bullmq');
      const { TypeOrmModule } = await import('@nestjs/typeorm');
      const { typeOrmOptions } = await import('../src/database/typeorm-options');
      const { WebhooksModule } = await import('../src/modules/webhooks');
      const { WebhookDeliveryProcessor } =
        await import('../src/modules/webhooks/delivery/webhook-delivery.processor');
      const { LogRetentionProcessor } =
        await import('../src/modules/webhooks/retention/log-retention.processor');
      const moduleRef = await Test.createTestingModule({
        imports: [
          TypeOrmModule.forRoot(
            typeOrmOptions({ DATABASE_URL: process.env.DATABASE_URL!, DB_MIGRATIONS_RUN: false }),
          ),
          BullModule.forRoot({ prefix: process.env.QUEUE_PREFIX, connection: { url: redisUrl } }),
          WebhooksModule.forRoot({
            redis: { url: redisUrl },
            queuePrefix: process.env.QUEUE_PREFIX,
            secretEncryptionKey: Buffer.alloc(32, 1).toString('base64'),
            tenant: () => null,
          }),
        ],
      }).compile();
      const app = moduleRef.createNestApplication({ logger: false });
      await app.init();
      return {
        app,
        workers: [app.get(WebhookDeliveryProcessor).worker, app.get(LogRetentionProcessor).worker],
      };
    });
  }

  it("gives the module's workers a worker's connection and closes without Redis", async () => {
    const port = await freePort();
    const redis = await startRedis(port);
    const { app, workers } = await createHostApp(`redis://127.0.0.1:${port}`);
    try {
      for (const worker of workers) {
        // Commands wait for the reconnection instead of failing in a loop that never yields.
        expect(worker.opts.connection).toMatchObject({
          url: `redis://127.0.0.1:${port}`,
          enableOfflineQueue: true,
          maxRetriesPerRequest: null,
        });
      }
      await stop(redis, 'SIGKILL');
      // The queues' connections cannot reach Redis: they are dropped, not closed with QUIT.
      await expect(app.close()).resolves.toBeUndefined();
    } finally {
      await stop(redis, 'SIGKILL');
    }
  });
});
