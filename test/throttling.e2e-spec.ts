import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { WebhooksService as WebhooksServiceType } from '../src/modules/webhooks/webhooks.service';
import { createIsolatedTestApp } from './helpers/isolated';
import { startWorkerProcess, stop } from './helpers/processes';
import { TestReceiver } from './helpers/receiver';
import type { TestApp } from './helpers/test-app';
import { webhookBody } from './helpers/test-app';
import { waitUntil } from './helpers/waiting';

const BASE = '/api/v1/webhooks';

/** The most requests that arrived within any window of `windowMs`. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
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
    await tenant.post(BASE, webhookBody({ url: receiver.url(free) })).expect(201);

    const events = 20;
    for (let i = 0; i < events; i++) await webhooks.triggerEvent(tenantId, 'message.sent', { i });

    // The unlimited endpoint is not held back by its neighbour's limit.
    await receiver.waitFor(events, free, 10_000);
    const requests = await receiver.waitFor(events, limited, 30_000);
    const times = requests.map((r) => r.receivedAt);
    const spanMs = Math.max(...times) - Math.min(...times);
    console.log(
      `rate limit 5/s: ${events} deliveries over ${spanMs} ms, busiest second ${busiestWindow(times, 1000)}`,
    );
    // Slots are 200 ms apart. A delivery woken a little late by the delayed-job timer can share
    // a sliding second with the five after it, so one extra is the bound; the average is exact.
    expect(busiestWindow(times, 1000)).toBeLessThanOrEqual(6);
    expect(spanMs).toBeGreaterThanOrEqual(((events - 1) * 1000) / 5 - 100);
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(events);

    const logs = await waitUntil(
      async () => (await tenant.get(`${BASE}/${webhook.id}/logs?limit=100`).expect(200)).body.data,
      (data: Array<{ status: string; attemptCount: number }>) =>
        data.length === events && data.every((l) => l.status === 'success'),
    );
    expect(logs.map((log) => log.attemptCount)).toEqual(Array(events).fill(1));
  });
});
