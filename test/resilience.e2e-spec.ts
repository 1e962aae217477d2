import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createIsolatedTestApp } from './helpers/isolated';
import { freePort, startRedis, startWorkerProcess, stop } from './helpers/processes';
import { TestReceiver } from './helpers/receiver';
import type { TestApp } from './helpers/test-app';
import { webhookBody } from './helpers/test-app';
import { statusCounts, waitUntil } from './helpers/waiting';
import { appLogLines } from './setup/app-log-sink';

const BASE = '/api/v1/webhooks';

async function logStatus(t: TestApp, tenantId: string, webhookId: string): Promise<string[]> {
  const res = await t.as(tenantId).get(`${BASE}/${webhookId}/logs`).expect(200);
  return res.body.data.map((log: { status: string }) => log.status);
}

describe('Resilience (e2e)', () => {
  jest.setTimeout(120_000);
  let receiver: TestReceiver;

  beforeAll(async () => {
    receiver = await TestReceiver.start();
  });
  afterAll(() => receiver.close());

  it('delivers an event triggered while Redis was down once Redis is back', async () => {
    const port = await freePort();
    let redis: ChildProcess = await startRedis(port);
    const { t, webhooks } = await createIsolatedTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      const tenantId = randomUUID();
      const path = `/redis-down-${randomUUID()}`;
      const webhook = (
        await t
          .as(tenantId)
          .post(BASE, webhookBody({ url: receiver.url(path) }))
          .expect(201)
      ).body;

      await stop(redis);
      // Resolving at all proves it does not wait for Redis, which comes back only after this
      // call returned; the logged reason proves the enqueue failed at once, not by timing out.
      const result = await webhooks.triggerEvent(tenantId, 'message.sent', { during: 'outage' });
      expect(result.deliveries).toBe(1);
      const [failure] = await waitUntil(
        async () => appLogLines().filter((line) => line.includes('Enqueueing new deliveries')),
        (lines) => lines.length > 0,
      );
      expect(JSON.parse(failure).msg).toMatch(/failing: Stream isn't writeable/);
      expect(await logStatus(t, tenantId, webhook.id)).toEqual(['pending']);

      redis = await startRedis(port);
      const [request] = await receiver.waitFor(1, path, 60_000);
      expect(request.headers['webhook-id']).toBe(result.eventId);
      await waitUntil(
        () => logStatus(t, tenantId, webhook.id),
        (s) => s[0] === 'success',
      );
    } finally {
      await t.close();
      await stop(redis);
    }
  });

  it('delivers every event once a worker killed (SIGKILL) mid-delivery is replaced; only in-flight ones twice', async () => {
    const { t, webhooks } = await createIsolatedTestApp({ WORKER_ENABLED: 'false' });
    const workers: ChildProcess[] = [];
    // A few deliveries at a time to a slow receiver: some done, some in flight at the kill.
    const concurrency = { WEBHOOK_WORKER_CONCURRENCY: '4' };
    try {
      workers.push(await startWorkerProcess(concurrency));
      const tenantId = randomUUID();
      const path = `/killed-${randomUUID()}`;
      const events = 16;
      receiver.script(
        path,
        ...Array.from({ length: events }, () => ({ status: 200, delayMs: 1000 })),
      );
      const webhook = (
        await t
          .as(tenantId)
          .post(BASE, webhookBody({ url: receiver.url(path) }))
          .expect(201)
      ).body;
      const committed: string[] = [];
      for (let n = 0; n < events; n++) {
        committed.push((await webhooks.triggerEvent(tenantId, 'message.sent', { n })).eventId);
      }

      await receiver.waitFor(6, path, 30_000);
      await stop(workers[0], 'SIGKILL');
      // The killed worker changes nothing any more: these are all it may have sent unanswered.
      const rows = async (status: string) =>
        (await statusCounts(t.dataSource, webhook.id))[status] ?? 0;
      const inFlight = await rows('sending');
      expect(inFlight).toBeGreaterThan(0);
      expect(inFlight).toBeLessThanOrEqual(4);

      workers.push(await startWorkerProcess(concurrency));
      await waitUntil(
        () => rows('success'),
        (n) => n === events,
        60_000,
      );

      const ledger = new Map<string, number>();
      for (const request of receiver.received(path)) {
        const id = String(request.headers['webhook-id']);
        ledger.set(id, (ledger.get(id) ?? 0) + 1);
      }
      expect([...ledger.keys()].sort()).toEqual([...committed].sort());
      const duplicates = [...ledger.values()].reduce((sum, n) => sum + n - 1, 0);
      expect(duplicates).toBeLessThanOrEqual(inFlight);
      const [{ unfinished }] = await t.dataSource.query(
        `SELECT count(*)::int AS unfinished FROM webhook_logs
          WHERE webhook_id = $1 AND status NOT IN ('success', 'failed')`,
        [webhook.id],
      );
      expect(unfinished).toBe(0);
    } finally {
      for (const worker of workers) await stop(worker);
      await t.close();
    }
  });
});
