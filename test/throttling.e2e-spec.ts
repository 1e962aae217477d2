import { ChildProcess } from 'node:child_process';
import type { Queue } from 'bullmq';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { WebhooksService as WebhooksServiceType } from '../src/modules/webhooks/webhooks.service';
import { createIsolatedTestApp } from './helpers/isolated';
import { startWorkerProcess, stop } from './helpers/processes';
import { TestReceiver } from './helpers/receiver';
import type { TestApp } from './helpers/test-app';
import { webhookBody } from './helpers/test-app';
import { deliveryQueue, waitUntil } from './helpers/waiting';

const BASE = '/api/v1/webhooks';

/** The BullMQ events of the delivery queue since `sinceMs` (its event stream), as field maps. */
async function queueEventsSince(queue: Queue, sinceMs: number) {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const entries = await redis.xrange(queue.keys.events, String(sinceMs), '+');
    return entries.map(([, fields]) => {
      const event: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) event[fields[i]] = fields[i + 1];
      return event;
    });
  } finally {
    redis.disconnect();
  }
}

describe('Per-webhook rate limit across worker processes (e2e)', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let webhooks: WebhooksServiceType;
  let receiver: TestReceiver;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    receiver = await TestReceiver.start();
    // Deliveries run only in the two worker processes, never in this one.
    ({ t, webhooks } = await createIsolatedTestApp({ WORKER_ENABLED: 'false' }));
    workers.push(...(await Promise.all([startWorkerProcess({}), startWorkerProcess({})])));
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => stop(worker)));
    await t.close();
    await receiver.close();
  });

  it('spaces deliveries to the limit, drops none and uses no attempts for waiting', async () => {
    const tenantId = randomUUID();
    const limited = `/limited-${randomUUID()}`;
    const free = `/free-${randomUUID()}`;
    const tenant = t.as(tenantId);
    const webhook = (
      await tenant
        .post(BASE, webhookBody({ url: receiver.url(limited), rateLimitPerSecond: 5 }))
        .expect(201)
    ).body;
    const unlimited = (
      await tenant.post(BASE, webhookBody({ url: receiver.url(free) })).expect(201)
    ).body;

    const events = 20;
    const triggeredAt = Date.now();
    for (let i = 0; i < events; i++) await webhooks.triggerEvent(tenantId, 'message.sent', { i });

    const requests = await receiver.waitFor(events, limited, 60_000);
    // The limiter hands out slots 200 ms apart from the first (Redis' clock, the same machine's
    // as ours), and nothing is sent before its slot. So the i-th request to arrive came at least
    // i × 200 ms after the first event was triggered: a lower bound a slow machine cannot break.
    const arrivals = requests.map((r) => r.receivedAt - triggeredAt).sort((a, b) => a - b);
    const early = arrivals
      .map((ms, i) => ({ i, ms, slot: (i * 1000) / 5 }))
      .filter(({ ms, slot }) => ms < slot);
    expect(early).toEqual([]);
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(events);

    // The unlimited endpoint is not held back by its neighbour's limit: each of its deliveries
    // ran (the queue's event stream shows it active), and none ever waited in the delayed set
    // where the limited ones wait for their slots.
    await receiver.waitFor(events, free, 30_000);
    const freeIds = new Set<string>(
      (
        await t.dataSource.query(`SELECT id FROM webhook_logs WHERE webhook_id = $1`, [
          unlimited.id,
        ])
      ).map((row: { id: string }) => row.id),
    );
    const freeEvents = (await queueEventsSince(deliveryQueue(t), triggeredAt)).filter((event) =>
      freeIds.has(event.jobId),
    );
    const jobsWith = (name: string) =>
      new Set(freeEvents.filter((event) => event.event === name).map((event) => event.jobId));
    expect(jobsWith('active').size).toBe(events);
    expect([...jobsWith('delayed')]).toEqual([]);

    const logs = await waitUntil(
      async () => (await tenant.get(`${BASE}/${webhook.id}/logs?limit=100`).expect(200)).body.data,
      (data: Array<{ status: string; attemptCount: number }>) =>
        data.length === events && data.every((l) => l.status === 'success'),
    );
    expect(logs.map((log) => log.attemptCount)).toEqual(Array(events).fill(1));
  });
});
