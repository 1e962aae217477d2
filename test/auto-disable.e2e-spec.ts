import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { insertDeliveryRows } from './helpers/delivery-rows';
import { DeliveryQueue } from '../src/modules/webhooks/outbox/delivery-queue.service';
import { WEBHOOK_DELIVERY_QUEUE } from '../src/modules/webhooks/delivery/webhook-queue';
import {
  DeliveryPipeline,
  ONE_ATTEMPT,
  startDeliveryPipeline,
  WEBHOOKS_BASE as BASE,
} from './helpers/delivery-harness';
import { waitUntil } from './helpers/waiting';

/**
 * The wiring of auto-disable with the defaults (20 consecutive failures spanning 24 hours):
 * the worker disables, the API shows it, a queued delivery is skipped, PATCH re-enables. The
 * rule itself, thresholds and clock included, is proven in test/medium/auto-disable.medium-spec.ts.
 */
describe('Auto-disable (e2e)', () => {
  let pipeline: DeliveryPipeline;

  beforeAll(async () => {
    pipeline = await startDeliveryPipeline({ retryPolicy: ONE_ATTEMPT });
  });
  afterAll(() => pipeline.close());

  it('disables through the pipeline, skips what was queued, and sends again once re-enabled', async () => {
    const { t, receiver, webhooks } = pipeline;
    const tenantId = randomUUID();
    const path = `/failing-${randomUUID()}`;
    receiver.script(path, { status: 500 });
    const webhook = await pipeline.register(tenantId, path);
    await t.dataSource.query(
      `UPDATE webhooks SET consecutive_failures = 19, failing_since = now() - interval '25 hours' WHERE id = $1`,
      [webhook.id],
    );
    const read = async () => (await t.as(tenantId).get(`${BASE}/${webhook.id}`).expect(200)).body;
    const deliver = async () => {
      const before = (await read()).totalDeliveries;
      await webhooks.triggerEvent(tenantId, 'message.sent', {});
      await waitUntil(read, (body: { totalDeliveries: number }) => body.totalDeliveries > before);
      // The failure is counted first and the webhook disabled after it: the job ends last.
      const queue = t.app.get<Queue>(getQueueToken(WEBHOOK_DELIVERY_QUEUE));
      await waitUntil(
        () => queue.getActiveCount(),
        (active: number) => active === 0,
      );
      return read();
    };

    const disabled = await deliver();
    expect(disabled).toMatchObject({
      isActive: false,
      status: 'disabled',
      consecutiveFailures: 20,
    });
    expect(disabled.disabledReason).toMatch(/^20 consecutive failed deliveries since /);

    // Queued as if triggered just before the webhook was disabled: the worker skips it.
    const [{ id: logId, createdAt }] = await insertDeliveryRows(t.dataSource, {
      tenantId,
      webhookId: webhook.id,
      eventId: 'evt_queued',
    });
    await t.app.get(DeliveryQueue).enqueue([{ id: logId, webhookId: webhook.id, createdAt }]);
    const skipped = await waitUntil(
      async () =>
        (await t.as(tenantId).get(`${BASE}/${webhook.id}/logs/${logId}`).expect(200)).body,
      (log: { status: string; errorMessage: string }) => log.status === 'failed',
    );
    expect(skipped.errorMessage).toBe('Not sent: the webhook is disabled');
    expect(receiver.received(path)).toHaveLength(1);

    const enabled = (
      await t.as(tenantId).patch(`${BASE}/${webhook.id}`, { isActive: true }).expect(200)
    ).body;
    expect(enabled).toMatchObject({
      isActive: true,
      status: 'active',
      disabledReason: null,
      consecutiveFailures: 0,
    });
    expect(await deliver()).toMatchObject({ isActive: true, consecutiveFailures: 0 });
    expect(receiver.received(path)).toHaveLength(2);
  });
});
