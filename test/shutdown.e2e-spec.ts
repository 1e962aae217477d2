import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { WebhooksService as WebhooksServiceType } from '../src/modules/webhooks/webhooks.service';
import { createIsolatedTestApp } from './helpers/isolated';
import { startWorkerProcess, stop } from './helpers/processes';
import { TestReceiver } from './helpers/receiver';
import type { TestApp } from './helpers/test-app';
import { webhookBody } from './helpers/test-app';

const BASE = '/api/v1/webhooks';

describe('Graceful shutdown of a worker process (e2e)', () => {
  jest.setTimeout(90_000);
  let t: TestApp;
  let webhooks: WebhooksServiceType;
  let receiver: TestReceiver;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    receiver = await TestReceiver.start();
    // Only the worker process delivers; this one serves the API.
    ({ t, webhooks } = await createIsolatedTestApp({ WORKER_ENABLED: 'false' }));
  });
  afterAll(async () => {
    if (worker) await stop(worker, 'SIGKILL');
    await t.close();
    await receiver.close();
  });

  it('finishes the delivery in flight on SIGTERM, leaving nothing in `sending`, then exits', async () => {
    worker = await startWorkerProcess({});
    const tenantId = randomUUID();
    const path = `/slow-${randomUUID()}`;
    receiver.script(path, { status: 200, body: 'done', delayMs: 2000 });
    const { id } = (
      await t
        .as(tenantId)
        .post(BASE, webhookBody({ url: receiver.url(path) }))
        .expect(201)
    ).body;
    await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });

    await receiver.waitFor(1, path, 30_000);
    const exited = once(worker, 'exit');
    const signalledAt = Date.now();
    worker.kill('SIGTERM');
    await exited;
    // It waited for the receiver's answer (about 2 s) instead of dropping the delivery.
    expect(Date.now() - signalledAt).toBeGreaterThan(1000);

    const logs = (await t.as(tenantId).get(`${BASE}/${id}/logs`).expect(200)).body.data;
    expect(logs).toEqual([
      expect.objectContaining({ status: 'success', attemptCount: 1, responseBody: 'done' }),
    ]);
    const [{ sending }] = await t.dataSource.query(
      `SELECT count(*)::int AS sending FROM webhook_logs WHERE tenant_id = $1 AND status = 'sending'`,
      [tenantId],
    );
    expect(sending).toBe(0);
    expect(receiver.received(path)).toHaveLength(1);
  });
});
