import { getQueueToken } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DeliveryQueue } from '../src/modules/webhooks/outbox/delivery-queue.service';
import { WEBHOOK_DELIVERY_QUEUE } from '../src/modules/webhooks/webhook-queue';
import { WebhooksService } from '../src/modules/webhooks/webhooks.service';
import { TestReceiver } from './helpers/receiver';
import { createTestApp, TestApp, webhookBody } from './helpers/test-app';
import { waitUntil } from './helpers/waiting';

const BASE = '/api/v1/webhooks';
const ONE_ATTEMPT = { maxAttempts: 1, backoff: 'fixed', initialDelayMs: 100, maxDelayMs: 1000 };

/** Runs with the defaults: 20 consecutive failed deliveries spanning at least 24 hours. */
describe('Auto-disable (e2e)', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let webhooks: WebhooksService;

  beforeAll(async () => {
    t = await createTestApp();
    receiver = await TestReceiver.start();
    webhooks = t.app.get(WebhooksService);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  async function failingWebhook(failures: number, failingForHours: number) {
    const tenantId = randomUUID();
    const path = `/failing-${randomUUID()}`;
    receiver.script(path, ...Array.from({ length: 5 }, () => ({ status: 500 })));
    const webhook = (
      await t
        .as(tenantId)
        .post(BASE, webhookBody({ url: receiver.url(path), retryPolicy: ONE_ATTEMPT }))
        .expect(201)
    ).body;
    await t.dataSource.query(
      `UPDATE webhooks SET consecutive_failures = $2, failing_since = now() - make_interval(hours => $3) WHERE id = $1`,
      [webhook.id, failures, failingForHours],
    );
    const deliver = async () => {
      const before = (await t.as(tenantId).get(`${BASE}/${webhook.id}`).expect(200)).body
        .totalDeliveries;
      await webhooks.triggerEvent(tenantId, 'message.sent', {});
      await waitUntil(
        async () => (await t.as(tenantId).get(`${BASE}/${webhook.id}`).expect(200)).body,
        (body: { totalDeliveries: number }) => body.totalDeliveries === before + 1,
      );
      // The failure is counted first and the webhook disabled after it: the job ends last.
      const queue = t.app.get<Queue>(getQueueToken(WEBHOOK_DELIVERY_QUEUE));
      await waitUntil(
        () => queue.getActiveCount(),
        (active: number) => active === 0,
      );
      return (await t.as(tenantId).get(`${BASE}/${webhook.id}`).expect(200)).body;
    };
    return { tenantId, webhook, path, deliver };
  }

  it('disables after the 20th consecutive failure once the failures span 24 hours, and logs why', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const { webhook, deliver } = await failingWebhook(19, 25);
    const after = await deliver();
    expect(after).toMatchObject({ isActive: false, status: 'disabled', consecutiveFailures: 20 });
    expect(after.disabledReason).toMatch(/^20 consecutive failed deliveries since /);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining(`Webhook ${webhook.id} disabled: 20 consecutive`),
    );
    warn.mockRestore();
  });

  it('keeps a webhook whose 20 failures happened within less than 24 hours', async () => {
    const { deliver } = await failingWebhook(19, 23);
    expect(await deliver()).toMatchObject({ isActive: true, consecutiveFailures: 20 });
  });

  it('keeps a webhook failing for days with fewer than 20 consecutive failures', async () => {
    const { deliver } = await failingWebhook(10, 72);
    expect(await deliver()).toMatchObject({ isActive: true, consecutiveFailures: 11 });
  });

  it('resets the streak on a success, and sends nothing while disabled until re-enabled', async () => {
    const { tenantId, webhook, path, deliver } = await failingWebhook(19, 25);
    await deliver();
    const sent = receiver.received(path).length;
    // Queue a delivery as if it had been triggered just before the webhook was disabled.
    const [{ id: logId }] = await t.dataSource.query(
      `INSERT INTO webhook_logs (tenant_id, webhook_id, event_id, event_type, payload, next_attempt_at)
       VALUES ($1, $2, 'evt_queued', 'message.sent', '{}', now()) RETURNING id`,
      [tenantId, webhook.id],
    );
    await t.app.get(DeliveryQueue).enqueue([{ id: logId, webhookId: webhook.id }]);
    const skipped = await waitUntil(
      async () =>
        (await t.as(tenantId).get(`${BASE}/${webhook.id}/logs/${logId}`).expect(200)).body,
      (log: { status: string }) => log.status === 'failed',
    );
    expect(skipped).toMatchObject({
      attemptCount: 0,
      errorMessage: 'Not sent: the webhook is disabled',
    });
    expect(receiver.received(path)).toHaveLength(sent);
    // A delivery that was never sent does not count against the endpoint.
    const disabled = (await t.as(tenantId).get(`${BASE}/${webhook.id}`).expect(200)).body;
    expect(disabled).toMatchObject({
      totalDeliveries: 1,
      failedDeliveries: 1,
      consecutiveFailures: 20,
    });

    const enabled = (
      await t.as(tenantId).patch(`${BASE}/${webhook.id}`, { isActive: true }).expect(200)
    ).body;
    expect(enabled).toMatchObject({
      isActive: true,
      status: 'active',
      disabledReason: null,
      consecutiveFailures: 0,
    });
    receiver.script(path, { status: 200 });
    receiver.reset();
    const ok = await deliver();
    expect(ok).toMatchObject({ isActive: true, consecutiveFailures: 0 });
    expect(receiver.received(path)).toHaveLength(1);
  });
});
