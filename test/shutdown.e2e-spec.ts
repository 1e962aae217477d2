import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { WebhookDeliveryProcessor } from '../src/modules/webhooks/delivery/webhook-delivery.processor';
import type { WebhooksService as WebhooksServiceType } from '../src/modules/webhooks/webhooks.service';
import { createIsolatedTestApp, withIsolatedModules } from './helpers/isolated';
import { startWorkerProcess, stop } from './helpers/processes';
import { TestReceiver } from './helpers/receiver';
import type { TestApp } from './helpers/test-app';
import { webhookBody } from './helpers/test-app';
import { deliveryQueue, waitUntil, waitUntilBlockedBy } from './helpers/waiting';

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

/**
 * A worker in this process whose one job is inside the processor but has not started its
 * attempt when shutdown begins: the job reads the webhook's rate limit, and the test holds a
 * lock on the webhooks table so that read waits.
 */
describe('Shutdown of a worker holding a job before its attempt (e2e)', () => {
  jest.setTimeout(90_000);
  let t: TestApp;
  let webhooks: WebhooksServiceType;
  let processor: WebhookDeliveryProcessor;
  let receiver: TestReceiver;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    receiver = await TestReceiver.start();
    ({ t, webhooks, processor } = await withIsolatedModules(
      { WORKER_ENABLED: 'true' },
      async () => {
        const { createTestApp } = await import('./helpers/test-app');
        const { WebhooksService } = await import('../src/modules/webhooks/webhooks.service');
        const { WebhookDeliveryProcessor } =
          await import('../src/modules/webhooks/delivery/webhook-delivery.processor');
        const app = await createTestApp();
        return {
          t: app,
          webhooks: app.app.get(WebhooksService),
          processor: app.app.get(WebhookDeliveryProcessor),
        };
      },
    ));
  });
  afterAll(async () => {
    if (worker) await stop(worker, 'SIGKILL');
    await deliveryQueue(t).resume();
    await t.close();
    await receiver.close();
  });

  async function deliveryRow(id: string): Promise<{ status: string; attempts: number }> {
    const [row] = await t.dataSource.query(
      `SELECT status, attempt_count AS attempts FROM webhook_logs WHERE id = $1`,
      [id],
    );
    return row;
  }

  it('does not start the attempt once shutdown began, and puts the job back for the next worker', async () => {
    const queue = deliveryQueue(t);
    const tenantId = randomUUID();
    const path = `/late-${randomUUID()}`;
    receiver.script(path, { status: 200 });
    await t
      .as(tenantId)
      .post(BASE, webhookBody({ url: receiver.url(path) }))
      .expect(201);
    // The job waits in the paused queue until the lock is held.
    await queue.pause();
    const { eventId } = await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
    const [{ id: logId }] = await t.dataSource.query(
      `SELECT id FROM webhook_logs WHERE tenant_id = $1 AND event_id = $2`,
      [tenantId, eventId],
    );
    const lock = t.dataSource.createQueryRunner();
    await lock.startTransaction();
    await lock.query('LOCK TABLE webhooks IN ACCESS EXCLUSIVE MODE');
    const [{ pid }] = await lock.query('SELECT pg_backend_pid() AS pid');
    await queue.resume();
    await waitUntilBlockedBy(t.dataSource, pid, (query) => query.includes('rate_limit_per_second'));

    // SIGTERM's part for this worker, then the job may go on.
    const shutdown = processor.beforeApplicationShutdown();
    await lock.commitTransaction();
    await lock.release();
    await shutdown;

    const settled = await waitUntil(
      async () => ({ state: await queue.getJobState(logId), row: await deliveryRow(logId) }),
      ({ state, row }) => state !== 'active' || row.status !== 'pending',
    );
    // Nothing claimed or sent after the wait ended; the job is back in the queue, unused.
    expect(settled.row).toEqual({ status: 'pending', attempts: 0 });
    expect(['waiting', 'delayed']).toContain(settled.state);
    expect(receiver.received(path)).toHaveLength(0);

    // Another worker sends it, once.
    worker = await startWorkerProcess({});
    await waitUntil(
      () => deliveryRow(logId),
      (row) => row.status === 'success',
      30_000,
    );
    expect(receiver.received(path)).toHaveLength(1);
  });
});
