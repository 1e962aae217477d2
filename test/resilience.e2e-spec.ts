import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createIsolatedTestApp } from './helpers/isolated';
import { freePort, startRedis, startWorkerProcess, stop } from './helpers/processes';
import { TestReceiver } from './helpers/receiver';
import type { TestApp } from './helpers/test-app';
import { webhookBody } from './helpers/test-app';
import { waitUntil } from './helpers/waiting';

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
      const started = Date.now();
      const result = await webhooks.triggerEvent(tenantId, 'message.sent', { during: 'outage' });
      expect(result.deliveries).toBe(1);
      expect(Date.now() - started).toBeLessThan(5000);
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

  it('delivers after a worker is killed (SIGKILL) mid-delivery', async () => {
    const { t, webhooks } = await createIsolatedTestApp({ WORKER_ENABLED: 'false' });
    const workers: ChildProcess[] = [];
    try {
      workers.push(await startWorkerProcess({}));
      const tenantId = randomUUID();
      const path = `/killed-${randomUUID()}`;
      receiver.script(path, { status: 200, delayMs: 5000 });
      const webhook = (
        await t
          .as(tenantId)
          .post(BASE, webhookBody({ url: receiver.url(path) }))
          .expect(201)
      ).body;
      const { eventId } = await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });

      await receiver.waitFor(1, path, 30_000);
      expect(await logStatus(t, tenantId, webhook.id)).toEqual(['sending']);
      await stop(workers[0], 'SIGKILL');

      workers.push(await startWorkerProcess({}));
      const requests = await receiver.waitFor(2, path, 60_000);
      expect(requests.map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId]);
      await waitUntil(
        () => logStatus(t, tenantId, webhook.id),
        (s) => s[0] === 'success',
        30_000,
      );
    } finally {
      for (const worker of workers) await stop(worker);
      await t.close();
    }
  });
});
