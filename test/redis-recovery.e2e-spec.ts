import Redis from 'ioredis';
import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, Server } from 'node:net';
import { createIsolatedTestApp, withIsolatedModules } from './helpers/isolated';
import { freePort, startRedis, startWorkerProcess, stop } from './helpers/processes';
import { TestReceiver } from './helpers/receiver';
import { webhookBody } from './helpers/test-app';
import { statusCounts, waitUntil } from './helpers/waiting';
import { appLogLines } from './setup/app-log-sink';

const BASE = '/api/v1/webhooks';

/** Every Redis connection a worker process holds, by the name its log lines give it. */
const WORKER_COMPONENTS = [
  'shared client',
  'delivery queue',
  'delivery worker',
  'maintenance queue',
  'maintenance worker',
];

/** Everything a child process prints on stdout and stderr, split into lines as they end. */
class OutputCapture {
  private partial = '';
  readonly lines: string[] = [];

  constructor(child: ChildProcess) {
    const onData = (chunk: Buffer) => {
      const parts = (this.partial + chunk.toString()).split('\n');
      this.partial = parts.pop() ?? '';
      this.lines.push(...parts.filter((line) => line !== ''));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  }

  /** The `msg` of every JSON line; the lines that are not JSON go to `raw`. */
  parse(): { messages: string[]; raw: string[] } {
    const messages: string[] = [];
    const raw: string[] = [];
    for (const line of this.lines) {
      try {
        messages.push(String((JSON.parse(line) as { msg?: unknown }).msg));
      } catch {
        raw.push(line);
      }
    }
    return { messages, raw };
  }

  count(messages: string[], pattern: RegExp): number {
    return messages.filter((message) => pattern.test(message)).length;
  }
}

/** Stands in for a dead Redis: accepts each connection and closes it at once, counting them. */
class RefusingListener {
  attempts = 0;
  private constructor(private readonly server: Server) {
    server.on('connection', (socket) => {
      this.attempts += 1;
      socket.destroy();
    });
  }

  static async start(port: number): Promise<RefusingListener> {
    const server = createServer();
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return new RefusingListener(server);
  }

  async close(): Promise<void> {
    this.server.close();
    await once(this.server, 'close');
  }
}

describe('Redis recovery (e2e)', () => {
  jest.setTimeout(90_000);

  it('registers the log-retention scheduler again after Redis loses its data', async () => {
    const port = await freePort();
    const redis = await startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    // The processor's class from the same fresh copy of the modules as the app.
    const { t, queue } = await withIsolatedModules({ REDIS_URL: url }, async () => {
      const { createTestApp } = await import('./helpers/test-app');
      const { LogRetentionProcessor } =
        await import('../src/modules/webhooks/retention/log-retention.processor');
      const app = await createTestApp();
      return { t: app, queue: app.app.get(LogRetentionProcessor).queue };
    });
    const admin = new Redis(url);
    try {
      const schedulerIds = async () => (await queue.getJobSchedulers()).map((s) => s.key);
      await waitUntil(schedulerIds, (ids) => ids.includes('log-retention'));

      expect(await admin.flushall()).toBe('OK');

      // The same worker, not restarted, puts it back by itself.
      const ids = await waitUntil(schedulerIds, (found) => found.length > 0, 30_000);
      expect(ids).toEqual(['log-retention']);
      const [scheduler] = await queue.getJobSchedulers();
      expect(scheduler).toEqual(expect.objectContaining({ every: 3_600_000 }));
      // It runs at once (as at boot), then the next hourly run waits in the delayed set.
      await waitUntil(
        () => queue.getDelayedCount(),
        (n) => n === 1,
      );
    } finally {
      admin.disconnect();
      await t.close();
      await stop(redis);
    }
  });

  it('delivers every committed event once after Redis loses its queued jobs', async () => {
    const port = await freePort();
    const redis = await startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    // Two deliveries at a time to a slow receiver: most jobs are still waiting at the flush.
    const { t, webhooks } = await createIsolatedTestApp({
      REDIS_URL: url,
      WEBHOOK_WORKER_CONCURRENCY: '2',
    });
    const receiver = await TestReceiver.start();
    const admin = new Redis(url);
    try {
      const tenantId = randomUUID();
      const path = `/flushed-${randomUUID()}`;
      const events = 8;
      receiver.script(
        path,
        ...Array.from({ length: events }, () => ({ status: 200, delayMs: 500 })),
      );
      const webhook = (
        await t
          .as(tenantId)
          .post('/api/v1/webhooks', webhookBody({ url: receiver.url(path) }))
          .expect(201)
      ).body;
      const committed: string[] = [];
      for (let n = 0; n < events; n++) {
        committed.push((await webhooks.triggerEvent(tenantId, 'message.sent', { n })).eventId);
      }
      await receiver.waitFor(2, path);
      expect(await admin.flushall()).toBe('OK');

      const rows = async (status: string) =>
        (await statusCounts(t.dataSource, webhook.id))[status] ?? 0;
      await waitUntil(
        () => rows('success'),
        (n) => n === events,
        30_000,
      );
      // Final rows are never claimed again, so this is every request there will be.
      const sent = receiver.received(path).map((r) => String(r.headers['webhook-id']));
      expect(sent.sort()).toEqual([...committed].sort());
    } finally {
      admin.disconnect();
      await receiver.close();
      await t.close();
      await stop(redis);
    }
  });

  it('logs failed enqueues once per outage, not once per event', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const { t, webhooks } = await createIsolatedTestApp({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      WORKER_ENABLED: 'false',
      LOG_LEVEL: 'info',
    });
    const receiver = await TestReceiver.start();
    const messages = () => appLogLines().map((line) => String(JSON.parse(line).msg));
    const failing = /^Enqueueing new deliveries \(the relay re-enqueues what failed\) failing: /;
    const working = /^Enqueueing new deliveries .* working again after \d+ ms \(\d+ failed\)$/;
    try {
      const tenantId = randomUUID();
      await t
        .as(tenantId)
        .post(BASE, webhookBody({ url: receiver.url('/streak') }))
        .expect(201);
      await stop(redis);
      // One after the other, so each is its own enqueue and each fails.
      for (let i = 0; i < 5; i += 1) {
        expect((await webhooks.triggerEvent(tenantId, 'message.sent', { i })).deliveries).toBe(1);
      }
      redis = await startRedis(port);
      await waitUntil(
        async () => {
          await webhooks.triggerEvent(tenantId, 'message.sent', { after: true });
          return messages();
        },
        (lines) => lines.some((line) => working.test(line)),
      );
      expect(messages().filter((line) => failing.test(line))).toHaveLength(1);
      expect(messages().filter((line) => working.test(line))).toHaveLength(1);
    } finally {
      await receiver.close();
      await t.close();
      await stop(redis);
    }
  });

  it('logs a Redis outage once per connection as JSON lines: down, then restored', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const worker = await startWorkerProcess({ REDIS_URL: `redis://127.0.0.1:${port}` });
    const output = new OutputCapture(worker);
    try {
      await stop(redis);
      const down = (component: string) => new RegExp(`^Redis unreachable for ${component}: `);
      const restored = (component: string) =>
        new RegExp(`^Redis connection for ${component} restored after \\d+ ms$`);
      await waitUntil(
        async () => output.parse().messages,
        (messages) => WORKER_COMPONENTS.every((c) => output.count(messages, down(c)) > 0),
      );
      // Reconnection attempts fail against a listener that hangs up at once; once every
      // connection has retried a few times, Redis comes back on the same port.
      const refuser = await RefusingListener.start(port);
      await waitUntil(
        async () => refuser.attempts,
        (n) => n >= WORKER_COMPONENTS.length * 3,
      );
      await refuser.close();
      redis = await startRedis(port);
      await waitUntil(
        async () => output.parse().messages,
        (messages) => WORKER_COMPONENTS.every((c) => output.count(messages, restored(c)) > 0),
      );

      const { messages, raw } = output.parse();
      expect(raw).toEqual([]);
      for (const component of WORKER_COMPONENTS) {
        expect([component, output.count(messages, down(component))]).toEqual([component, 1]);
        expect([component, output.count(messages, restored(component))]).toEqual([component, 1]);
      }
    } finally {
      await stop(worker);
      await stop(redis);
    }
  });
});
