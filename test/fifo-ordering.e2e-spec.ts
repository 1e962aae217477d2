import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createIsolatedTestApp } from './helpers/isolated';
import { LineReceiver, pidOfClientPort } from './helpers/line-receiver';
import { startWorkerProcess, stop } from './helpers/processes';
import type { TestApp } from './helpers/test-app';
import { webhookBody } from './helpers/test-app';
import { statusCounts, waitUntil, waitUntilSettled } from './helpers/waiting';
import type { WebhooksService } from '../src/modules/webhooks/webhooks.service';
import { writeOutbox } from '../src/modules/webhooks/outbox/outbox-writer';
import { shardOf } from '../src/modules/webhooks/redis/queue-shards';

const BASE = '/api/v1/webhooks';
/** Short retries, so a failing head costs the spec little time. */
const QUICK_RETRIES = { backoff: 'fixed', initialDelayMs: 100, maxDelayMs: 1000 };

const range = (count: number) => Array.from({ length: count }, (_, n) => n);

/** A response held until `open()` is called. */
function gate(): { held: Promise<void>; open: () => void } {
  let open!: () => void;
  const held = new Promise<void>((resolve) => (open = resolve));
  return { held, open };
}

async function createWebhook(
  t: TestApp,
  tenantId: string,
  url: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const res = await t
    .as(tenantId)
    .post(BASE, webhookBody({ url, events: ['message.sent'], ...overrides }))
    .expect(201);
  return res.body.id;
}

/** One event after the other: each triggerEvent has resolved before the next starts. */
async function triggerInOrder(
  webhooks: WebhooksService,
  tenantId: string,
  count: number,
): Promise<void> {
  for (const n of range(count)) await webhooks.triggerEvent(tenantId, 'message.sent', { n });
}

/**
 * `count` events in rounds of `round` calls made at once: a round is written by one statement
 * (group commit), in call order, and resolves in that order; each round starts once the one
 * before it has resolved.
 */
async function triggerInRounds(
  webhooks: WebhooksService,
  tenantId: string,
  count: number,
  round: number,
): Promise<void> {
  for (let first = 0; first < count; first += round) {
    await Promise.all(
      range(Math.min(round, count - first)).map((i) =>
        webhooks.triggerEvent(tenantId, 'message.sent', { n: first + i }),
      ),
    );
  }
}

describe('FIFO ordering (e2e)', () => {
  jest.setTimeout(120_000);
  let receiver: LineReceiver;

  beforeAll(async () => {
    receiver = await LineReceiver.start();
  });
  afterAll(() => receiver.close());

  describe('with two worker processes', () => {
    let t: TestApp;
    let webhooks: WebhooksService;
    const workers: ChildProcess[] = [];

    beforeAll(async () => {
      ({ t, webhooks } = await createIsolatedTestApp({ WORKER_ENABLED: 'false' }));
      workers.push(...(await Promise.all([startWorkerProcess({}), startWorkerProcess({})])));
    });
    afterAll(async () => {
      for (const worker of workers) await stop(worker);
      await t.close();
    });

    it('delivers 1,000 events to a FIFO endpoint in trigger order, one at a time, while an unordered one keeps its concurrency', async () => {
      const tenantId = randomUUID();
      const fifoPath = `/fifo-${randomUUID()}`;
      const unorderedPath = `/unordered-${randomUUID()}`;
      const senders = new Set<number | undefined>();
      const pids = workers.map((worker) => worker.pid!);
      receiver.answer(fifoPath, (request) => {
        senders.add(pidOfClientPort(pids, request.clientPort));
        return { status: 200, delayMs: 2 };
      });
      receiver.answer(unorderedPath, () => ({ status: 200, delayMs: 30 }));
      const fifo = await createWebhook(t, tenantId, receiver.url(fifoPath), { ordering: 'fifo' });
      const unordered = await createWebhook(t, tenantId, receiver.url(unorderedPath));

      await triggerInRounds(webhooks, tenantId, 1000, 100);
      await waitUntilSettled(t, [fifo, unordered], 90_000);

      expect(receiver.order(fifoPath)).toEqual(range(1000));
      expect(receiver.maxInFlight(fifoPath)).toBe(1);
      // Both processes sent part of the line: the order holds across them.
      expect([...senders].sort()).toEqual([...pids].sort());
      expect([...receiver.order(unorderedPath)].sort((a, b) => a - b)).toEqual(range(1000));
      expect(receiver.maxInFlight(unorderedPath)).toBeGreaterThan(1);
      expect(await statusCounts(t.dataSource, fifo)).toEqual({ success: 1000 });
    });

    it('holds the rest back while the head is retried: a head that fails twice is seen 3 times before anything else', async () => {
      const tenantId = randomUUID();
      const path = `/retried-head-${randomUUID()}`;
      receiver.answer(path, ({ n, attempt }) => ({ status: n === 0 && attempt <= 2 ? 500 : 200 }));
      const webhook = await createWebhook(t, tenantId, receiver.url(path), {
        ordering: 'fifo',
        retryPolicy: { maxAttempts: 3, ...QUICK_RETRIES },
      });

      await triggerInOrder(webhooks, tenantId, 5);
      await waitUntilSettled(t, [webhook], 30_000);

      expect(receiver.order(path)).toEqual([0, 0, 0, 1, 2, 3, 4]);
      expect(
        receiver
          .requests(path)
          .slice(0, 3)
          .map((r) => r.attempt),
      ).toEqual([1, 2, 3]);
      expect(receiver.maxInFlight(path)).toBe(1);
      expect(await statusCounts(t.dataSource, webhook)).toEqual({ success: 5 });
    });

    it('lets the next one go once the head failed after its attempts', async () => {
      const tenantId = randomUUID();
      const path = `/failed-head-${randomUUID()}`;
      receiver.answer(path, ({ n }) => ({ status: n === 0 ? 503 : 200 }));
      const webhook = await createWebhook(t, tenantId, receiver.url(path), {
        ordering: 'fifo',
        retryPolicy: { maxAttempts: 2, ...QUICK_RETRIES },
      });

      await triggerInOrder(webhooks, tenantId, 4);
      await waitUntilSettled(t, [webhook], 30_000);

      expect(receiver.order(path)).toEqual([0, 0, 1, 2, 3]);
      expect(await statusCounts(t.dataSource, webhook)).toEqual({ failed: 1, success: 3 });
    });

    it('delivers in commit order: transactions committed in another order than they started', async () => {
      const tenantId = randomUUID();
      const path = `/commit-order-${randomUUID()}`;
      const webhook = await createWebhook(t, tenantId, receiver.url(path), { ordering: 'fifo' });
      const begin = async () => {
        const runner = t.dataSource.createQueryRunner();
        await runner.connect();
        await runner.startTransaction();
        // now() is fixed from here: the rows' created_at is the start order.
        const [{ pid }] = await runner.query('SELECT pg_backend_pid() AS pid, now()');
        return { runner, pid: pid as number };
      };
      const trigger = (n: number, runner: Awaited<ReturnType<typeof begin>>['runner']) =>
        webhooks.triggerEvent(tenantId, 'message.sent', { n }, { manager: runner.manager });

      const first = await begin();
      const second = await begin();
      const third = await begin();
      try {
        // Started third, committed first.
        await trigger(0, third.runner);
        await third.runner.commitTransaction();
        // Started first, committed second; the second transaction, triggering meanwhile, waits
        // for it at the webhook's row and commits last.
        await trigger(1, first.runner);
        const waiting = trigger(2, second.runner);
        await waitUntil(
          async () => {
            const [{ pids }] = await t.dataSource.query(
              'SELECT pg_blocking_pids($1::int) AS pids',
              [second.pid],
            );
            return pids as number[];
          },
          (pids) => pids.includes(first.pid),
        );
        await first.runner.commitTransaction();
        await waiting;
        await second.runner.commitTransaction();
      } finally {
        for (const { runner } of [first, second, third]) {
          if (runner.isTransactionActive) await runner.rollbackTransaction();
          await runner.release();
        }
      }
      await waitUntilSettled(t, [webhook]);

      expect(receiver.order(path)).toEqual([0, 1, 2]);
      const rows: Array<{ n: number; fifo_sequence: string }> = await t.dataSource.query(
        `SELECT (e.payload -> 'data' ->> 'n')::int AS n, l.fifo_sequence
           FROM webhook_logs l
           JOIN webhook_events e
             ON e.tenant_id = l.tenant_id AND e.event_id = l.event_id AND e.created_at = l.created_at
          WHERE l.webhook_id = $1
          ORDER BY l.created_at`,
        [webhook],
      );
      // Created (started) in the order 1, 2, 0; numbered and delivered in the commit order.
      expect(rows.map((row) => row.n)).toEqual([1, 2, 0]);
      expect(rows.map((row) => Number(row.fifo_sequence))).toEqual([2, 3, 1]);
    });

    it('sends a manual retry after the deliveries already in line, never beside them', async () => {
      const tenantId = randomUUID();
      const path = `/manual-retry-${randomUUID()}`;
      const second = gate();
      receiver.answer(path, ({ n, attempt }) => {
        if (n === 0 && attempt === 1) return { status: 500 };
        return { status: 200, until: n === 1 ? second.held : undefined };
      });
      const webhook = await createWebhook(t, tenantId, receiver.url(path), {
        ordering: 'fifo',
        retryPolicy: { maxAttempts: 1, ...QUICK_RETRIES },
      });

      await triggerInOrder(webhooks, tenantId, 3);
      // The head failed for good, the next one is being sent (and held).
      await receiver.waitFor(path, 2, 15_000);
      const failed = await t.as(tenantId).get(`${BASE}/${webhook}/logs?status=failed`).expect(200);
      expect(failed.body.data).toHaveLength(1);
      await t
        .as(tenantId)
        .post(`${BASE}/${webhook}/logs/${failed.body.data[0].id}/retry`)
        .expect(202);
      second.open();
      await waitUntilSettled(t, [webhook], 30_000);

      expect(receiver.order(path)).toEqual([0, 1, 2, 0]);
      expect(receiver.maxInFlight(path)).toBe(1);
      expect(await statusCounts(t.dataSource, webhook)).toEqual({ success: 3 });
    });

    it('finds the head of a line whose jobs were lost (the relay), then sends the rest in order', async () => {
      const tenantId = randomUUID();
      const path = `/lost-jobs-${randomUUID()}`;
      const webhook = await createWebhook(t, tenantId, receiver.url(path), { ordering: 'fifo' });

      // Committed rows that never got their jobs, as when a process dies right after the commit.
      const events = range(4).map((n) => {
        const eventId = `evt_lost_${n}_${randomUUID().replace(/-/g, '')}`;
        const type = 'message.sent';
        return {
          tenantId,
          eventId,
          eventType: type,
          payload: JSON.stringify({
            id: eventId,
            type,
            timestamp: new Date().toISOString(),
            data: { n },
          }),
          patterns: ['message.sent', 'message.*', '*'],
        };
      });
      // The app's manager: its DataSource comes from the app's own (isolated) typeorm.
      const [first] = await writeOutbox(t.dataSource.manager, events);
      expect(first).toHaveLength(1);
      await waitUntilSettled(t, [webhook], 30_000);

      expect(receiver.order(path)).toEqual([0, 1, 2, 3]);
      expect(receiver.maxInFlight(path)).toBe(1);
    });

    it('releases the waiting deliveries when the webhook is switched to unordered', async () => {
      const tenantId = randomUUID();
      const path = `/switched-${randomUUID()}`;
      const head = gate();
      receiver.answer(path, ({ n }) => ({ status: 200, until: n === 0 ? head.held : undefined }));
      const webhook = await createWebhook(t, tenantId, receiver.url(path), { ordering: 'fifo' });

      await triggerInOrder(webhooks, tenantId, 4);
      await receiver.waitFor(path, 1, 15_000);
      const res = await t
        .as(tenantId)
        .patch(`${BASE}/${webhook}`, { ordering: 'unordered' })
        .expect(200);
      expect(res.body.ordering).toBe('unordered');
      // The rest is sent while the head is still open.
      await receiver.waitFor(path, 4, 30_000);
      head.open();
      await waitUntilSettled(t, [webhook], 30_000);

      expect(receiver.order(path)[0]).toBe(0);
      expect([...receiver.order(path)].sort()).toEqual([0, 1, 2, 3]);
      expect(receiver.maxInFlight(path)).toBeGreaterThan(1);
      expect(await statusCounts(t.dataSource, webhook)).toEqual({ success: 4 });
    });

    it('keeps the order when the worker sending the head is killed (SIGKILL): the other sends it again, then the rest', async () => {
      const tenantId = randomUUID();
      const path = `/killed-${randomUUID()}`;
      // The head's first attempt hangs until its worker is gone.
      receiver.answer(path, ({ n, attempt }) => ({
        status: 200,
        delayMs: n === 0 && attempt === 1 ? 60_000 : 0,
      }));
      const webhook = await createWebhook(t, tenantId, receiver.url(path), { ordering: 'fifo' });

      await triggerInOrder(webhooks, tenantId, 5);
      const [head] = await receiver.waitFor(path, 1, 15_000);
      const pid = pidOfClientPort(
        workers.map((worker) => worker.pid!),
        head.clientPort,
      );
      const victim = workers.find((worker) => worker.pid === pid);
      expect(victim).toBeInstanceOf(ChildProcess);
      await stop(victim!, 'SIGKILL');
      await waitUntilSettled(t, [webhook], 60_000);

      expect(receiver.order(path)).toEqual([0, 0, 1, 2, 3, 4]);
      expect(receiver.requests(path)[1].attempt).toBe(2);
      expect(receiver.maxInFlight(path)).toBe(1);
      expect(await statusCounts(t.dataSource, webhook)).toEqual({ success: 5 });
    });
  });

  describe('with QUEUE_SHARDS=2', () => {
    const SHARDS = 2;
    const apps: Array<{ t: TestApp; webhooks: WebhooksService }> = [];

    beforeAll(async () => {
      // Two apps with workers, on queues of their own (the processes above used one shard).
      const env = {
        QUEUE_SHARDS: String(SHARDS),
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-shards`,
      };
      apps.push(await createIsolatedTestApp(env), await createIsolatedTestApp(env));
    });
    afterAll(async () => {
      for (const { t } of apps) await t.close();
    });

    it('keeps each FIFO webhook in order whichever shard it is on', async () => {
      const [{ t, webhooks }] = apps;
      const tenantId = randomUUID();
      const lines: Array<{ id: string; path: string }> = [];
      // Webhooks on both shards.
      while (
        new Set(lines.map(({ id }) => shardOf(id, SHARDS))).size < SHARDS ||
        lines.length < 3
      ) {
        const path = `/sharded-${randomUUID()}`;
        receiver.answer(path, () => ({ status: 200, delayMs: 2 }));
        lines.push({
          id: await createWebhook(t, tenantId, receiver.url(path), { ordering: 'fifo' }),
          path,
        });
      }

      await triggerInOrder(webhooks, tenantId, 60);
      await waitUntilSettled(
        t,
        lines.map(({ id }) => id),
        60_000,
      );

      for (const { path } of lines) {
        expect(receiver.order(path)).toEqual(range(60));
        expect(receiver.maxInFlight(path)).toBe(1);
      }
    });
  });
});
