import { Logger } from '@nestjs/common';
import {
  controlClock,
  CreatedWebhook,
  DeliveryHarness,
  startDeliveryHarness,
} from './delivery-harness';

const HOUR = 3_600_000;
// failing_since is stamped by Postgres a moment after the frozen clock's present.
const MARGIN = 60_000;

/** The defaults: 20 consecutive failed deliveries spanning at least 24 hours disable a webhook. */
describe('Auto-disable (medium)', () => {
  let h: DeliveryHarness;
  let clock: { advance(ms: number): void };

  beforeAll(async () => {
    h = await startDeliveryHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => {
    clock = controlClock();
  });
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  const failingWebhook = () => h.createWebhook({ retryPolicy: { maxAttempts: 1 } });

  /** `count` deliveries, each answered with `status` in its only attempt. */
  async function deliver(webhook: CreatedWebhook, count: number, status: number) {
    h.http.answer(...Array.from({ length: count }, () => ({ statusCode: status })));
    const outcomes = [];
    for (let i = 0; i < count; i++) {
      const [logId] = await h.trigger(webhook.tenantId);
      outcomes.push((await h.attempt(logId)).kind);
    }
    return outcomes;
  }

  it('disables on the 20th consecutive failure once the failures span 24 hours, and logs why', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const webhook = await failingWebhook();
    await deliver(webhook, 19, 500);
    const { failing_since: since } = await h.webhook(webhook.id);
    expect(await h.webhook(webhook.id)).toMatchObject({
      is_active: true,
      consecutive_failures: 19,
    });

    clock.advance(24 * HOUR + MARGIN);
    expect(await deliver(webhook, 1, 500)).toEqual(['failed']);

    const row = await h.webhook(webhook.id);
    const reason = `20 consecutive failed deliveries since ${since!.toISOString()}`;
    expect(row).toMatchObject({
      is_active: false,
      consecutive_failures: 20,
      failed_deliveries: 20,
      disabled_reason: reason,
    });
    expect(warn).toHaveBeenCalledWith(`Webhook ${webhook.id} disabled: ${reason}`);
  });

  it('keeps a webhook whose 20 failures happened within less than 24 hours', async () => {
    const webhook = await failingWebhook();
    await deliver(webhook, 10, 500);
    clock.advance(23 * HOUR);
    await deliver(webhook, 10, 500);
    expect(await h.webhook(webhook.id)).toMatchObject({
      is_active: true,
      consecutive_failures: 20,
    });

    // The span runs from the first failure of the streak, not the latest one.
    clock.advance(HOUR + MARGIN);
    await deliver(webhook, 1, 500);
    expect(await h.webhook(webhook.id)).toMatchObject({
      is_active: false,
      consecutive_failures: 21,
    });
  });

  it('keeps a webhook failing for days with fewer than 20 consecutive failures', async () => {
    const webhook = await failingWebhook();
    await deliver(webhook, 5, 500);
    clock.advance(72 * HOUR);
    await deliver(webhook, 14, 500);
    expect(await h.webhook(webhook.id)).toMatchObject({
      is_active: true,
      consecutive_failures: 19,
    });
  });

  it('starts the streak again after a success', async () => {
    const webhook = await failingWebhook();
    await deliver(webhook, 19, 500);
    expect(await deliver(webhook, 1, 200)).toEqual(['success']);
    expect(await h.webhook(webhook.id)).toMatchObject({
      consecutive_failures: 0,
      failing_since: null,
      total_deliveries: 20,
    });

    clock.advance(25 * HOUR);
    await deliver(webhook, 1, 500);
    const row = await h.webhook(webhook.id);
    expect(row).toMatchObject({ is_active: true, consecutive_failures: 1 });
    // The new streak starts now (Postgres' clock), not at the first failure of the old one.
    expect(row.failing_since!.getTime()).toBeGreaterThan(Date.now() - 25 * HOUR);
  });

  it('honours WEBHOOK_DISABLE_AFTER_FAILURES and WEBHOOK_DISABLE_AFTER_HOURS', async () => {
    const strict = await startDeliveryHarness({
      WEBHOOK_DISABLE_AFTER_FAILURES: '3',
      WEBHOOK_DISABLE_AFTER_HOURS: '0',
    });
    // Past the Postgres time at which the streak will start.
    clock.advance(MARGIN);
    try {
      const webhook = await strict.createWebhook({ retryPolicy: { maxAttempts: 1 } });
      strict.http.answer({ statusCode: 500 }, { statusCode: 500 }, { statusCode: 500 });
      for (let i = 0; i < 3; i++) {
        const [logId] = await strict.trigger(webhook.tenantId);
        await strict.attempt(logId);
        const { is_active: active } = await strict.webhook(webhook.id);
        expect({ failures: i + 1, active }).toEqual({ failures: i + 1, active: i < 2 });
      }
    } finally {
      await strict.close();
    }
  });
});
