import { createHmac } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { storedPayload } from '../helpers/delivery-rows';
import {
  controlClock,
  DeliveryHarness,
  httpResult,
  scheduledDelayMs,
  startDeliveryHarness,
} from './delivery-harness';

/** One attempt at a time, as a worker runs it: the outcome, the rows, and what was sent. */
describe('WebhookDeliveryService.attempt (medium)', () => {
  let h: DeliveryHarness;

  beforeAll(async () => {
    h = await startDeliveryHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.http.sent.length = 0;
    // Jitter at its midpoint: every computed delay is the policy's exact base.
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  async function oneDelivery(options: Parameters<DeliveryHarness['createWebhook']>[0] = {}) {
    const webhook = await h.createWebhook(options);
    const [logId] = await h.trigger(webhook.tenantId, { message: { id: 'm1' } });
    return { webhook, logId };
  }

  it('records a success: the attempt on the log and the counters on the webhook', async () => {
    const { webhook, logId } = await oneDelivery();
    h.http.answer({ statusCode: 201, responseBody: 'created', responseTimeMs: 34 });

    const outcome = await h.attempt(logId);

    expect(outcome).toEqual({
      kind: 'success',
      result: httpResult({ statusCode: 201, responseBody: 'created', responseTimeMs: 34 }),
    });
    expect(await h.log(logId)).toMatchObject({
      status: 'success',
      attempt_count: 1,
      attempts: [{ attempt: 1, statusCode: 201, error: null, responseTimeMs: 34 }],
      response_status: 201,
      response_body: 'created',
      error_message: null,
      next_attempt_at: null,
      completed_at: expect.any(Date),
    });
    const row = await h.webhook(webhook.id);
    expect(row).toMatchObject({
      total_deliveries: 1,
      successful_deliveries: 1,
      failed_deliveries: 0,
      consecutive_failures: 0,
      failing_since: null,
    });
    expect(row.last_success_at).toEqual((await h.log(logId)).completed_at);
  });

  it('sends the stored body with signed headers that verify with standardwebhooks', async () => {
    const clock = controlClock();
    const { webhook, logId } = await oneDelivery({ headers: { 'X-Api-Key': 'k-123' } });
    const [{ event_id: eventId }] = await h.db.query(
      `SELECT event_id FROM webhook_logs WHERE id = $1`,
      [logId],
    );
    const payload = await storedPayload(h.db, logId);
    clock.advance(5000);

    await h.attempt(logId);

    const [request] = h.http.sent;
    expect(request.body).toBe(payload);
    expect(request.timeoutMs).toBe(5000);
    expect(request.headers).toMatchObject({
      'X-Api-Key': 'k-123',
      'content-type': 'application/json',
      'webhook-id': eventId,
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'x-webhook-event': 'message.sent',
      'x-webhook-delivery': logId,
      'x-webhook-attempt': '1',
    });
    expect(request.headers['user-agent']).toMatch(/^[\w-]+-Webhooks\/\d+\.\d+\.\d+$/);
    const verified = new StandardWebhook(webhook.secret).verify(request.body, {
      'webhook-id': request.headers['webhook-id'],
      'webhook-timestamp': request.headers['webhook-timestamp'],
      'webhook-signature': request.headers['webhook-signature'],
    });
    expect(verified).toEqual(JSON.parse(payload));
    const simple = createHmac('sha256', webhook.secret).update(request.body).digest('hex');
    expect(request.headers['x-webhook-signature']).toBe(`sha256=${simple}`);
  });

  it('signs with the previous secret too while its grace period lasts, and only then', async () => {
    const { webhook, logId } = await oneDelivery();
    const previous = await h.createWebhook();
    const setPrevious = (expiresIn: string) =>
      h.db.query(
        `UPDATE webhooks SET previous_secret = (SELECT secret FROM webhooks WHERE id = $2),
                previous_secret_expires_at = now() + $3::interval WHERE id = $1`,
        [webhook.id, previous.id, expiresIn],
      );
    const verifies = (secret: string, sent: (typeof h.http.sent)[number]) => {
      try {
        new StandardWebhook(secret).verify(sent.body, sent.headers);
        return true;
      } catch {
        return false;
      }
    };
    await setPrevious('1 hour');
    h.http.answer({ statusCode: 500 });
    await h.attempt(logId);
    await setPrevious('-1 second');
    await h.attempt(logId);

    const [during, after] = h.http.sent;
    expect(during.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect([verifies(webhook.secret, during), verifies(previous.secret, during)]).toEqual([
      true,
      true,
    ]);
    expect(after.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect([verifies(webhook.secret, after), verifies(previous.secret, after)]).toEqual([
      true,
      false,
    ]);
    // The simple signature is always the current secret's.
    const simple = createHmac('sha256', webhook.secret).update(during.body).digest('hex');
    expect(during.headers['x-webhook-signature']).toBe(`sha256=${simple}`);
  });

  it('retries a 500 after the policy delay, then succeeds, with one webhook-id throughout', async () => {
    const { webhook, logId } = await oneDelivery({
      retryPolicy: { maxAttempts: 3, backoff: 'fixed', initialDelayMs: 1500 },
    });
    h.http.answer(
      { statusCode: 500, responseBody: 'boom' },
      { statusCode: 500 },
      { statusCode: 200 },
    );

    const first = await h.attempt(logId);
    expect(first).toMatchObject({ kind: 'retry', delayMs: 1500 });
    expect(await h.log(logId)).toMatchObject({
      status: 'retrying',
      attempt_count: 1,
      response_status: 500,
      response_body: 'boom',
      error_message: 'HTTP 500',
      completed_at: null,
    });
    expect(await scheduledDelayMs(h.db, logId)).toBe(1500);
    // A retry is not an outcome: nothing counted against the webhook yet.
    expect(await h.webhook(webhook.id)).toMatchObject({
      total_deliveries: 0,
      consecutive_failures: 0,
    });

    expect(await h.attempt(logId)).toMatchObject({ kind: 'retry', delayMs: 1500 });
    expect(await h.attempt(logId)).toMatchObject({ kind: 'success' });

    const log = await h.log(logId);
    expect(log).toMatchObject({ status: 'success', attempt_count: 3, response_status: 200 });
    expect(log.attempts.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(h.http.sent.map((r) => r.headers['x-webhook-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(h.http.sent.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(await h.webhook(webhook.id)).toMatchObject({
      total_deliveries: 1,
      successful_deliveries: 1,
      failed_deliveries: 0,
    });
  });

  it.each([
    ['exponential', [1000, 2000, 4000, 5000]],
    ['linear', [1000, 2000, 3000, 4000]],
    ['fixed', [1000, 1000, 1000, 1000]],
  ] as const)('spaces %s retries by the policy, capped at maxDelayMs', async (backoff, delays) => {
    const { logId } = await oneDelivery({
      retryPolicy: { maxAttempts: 5, backoff, initialDelayMs: 1000, maxDelayMs: 5000 },
    });
    h.http.answer(...delays.map(() => ({ statusCode: 500 })));
    const scheduled: Array<[string, number]> = [];
    while (scheduled.length < delays.length) {
      const { kind } = await h.attempt(logId);
      scheduled.push([kind, await scheduledDelayMs(h.db, logId)]);
    }
    expect(scheduled).toEqual(delays.map((delay) => ['retry', delay]));
  });

  it('jitters a computed delay by at most 20 %', async () => {
    const { logId } = await oneDelivery({ retryPolicy: { initialDelayMs: 1000 } });
    h.http.answer({ statusCode: 500 }, { statusCode: 500 });
    jest.spyOn(Math, 'random').mockReturnValue(0);
    expect(await h.attempt(logId)).toMatchObject({ kind: 'retry', delayMs: 800 });
    jest.spyOn(Math, 'random').mockReturnValue(1);
    expect(await h.attempt(logId)).toMatchObject({ kind: 'retry', delayMs: 1200 });
  });

  it.each([429, 503])(
    'waits as long as Retry-After says on %i, capped at maxDelayMs',
    async (status) => {
      const { logId } = await oneDelivery({
        retryPolicy: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 30_000 },
      });
      h.http.answer(
        { statusCode: status, retryAfterMs: 7000 },
        { statusCode: status, retryAfterMs: 3_600_000 },
      );
      expect(await h.attempt(logId)).toMatchObject({ kind: 'retry', delayMs: 7000 });
      expect(await scheduledDelayMs(h.db, logId)).toBe(7000);
      expect(await h.attempt(logId)).toMatchObject({ kind: 'retry', delayMs: 30_000 });
      expect(await scheduledDelayMs(h.db, logId)).toBe(30_000);
    },
  );

  it('ignores Retry-After on other statuses', async () => {
    const { logId } = await oneDelivery({ retryPolicy: { initialDelayMs: 100 } });
    h.http.answer({ statusCode: 500, retryAfterMs: 7000 });
    expect(await h.attempt(logId)).toMatchObject({ kind: 'retry', delayMs: 100 });
  });

  it('gives up after maxAttempts: failed, counted once against the webhook', async () => {
    const { webhook, logId } = await oneDelivery({ retryPolicy: { maxAttempts: 2 } });
    h.http.answer(
      { statusCode: 503, responseBody: 'unavailable' },
      { statusCode: 503, responseBody: 'unavailable' },
    );

    expect((await h.attempt(logId)).kind).toBe('retry');
    const outcome = await h.attempt(logId);

    expect(outcome).toMatchObject({ kind: 'failed', result: { statusCode: 503 } });
    const log = await h.log(logId);
    expect(log).toMatchObject({
      status: 'failed',
      attempt_count: 2,
      response_status: 503,
      error_message: 'HTTP 503',
      next_attempt_at: null,
    });
    expect(log.attempts.map((a) => a.attempt)).toEqual([1, 2]);
    const row = await h.webhook(webhook.id);
    expect(row).toMatchObject({
      total_deliveries: 1,
      failed_deliveries: 1,
      consecutive_failures: 1,
      is_active: true,
    });
    // Written by the same statement as the log's outcome.
    expect(row.last_failure_at).toEqual(log.completed_at);
    expect(row.failing_since).toEqual(log.completed_at);
    // A final row is never claimed again.
    expect(await h.attempt(logId)).toEqual({ kind: 'dropped' });
    expect(h.http.sent).toHaveLength(2);
  });

  it('disables the webhook at once on 410 Gone, with attempts left', async () => {
    const { webhook, logId } = await oneDelivery({ retryPolicy: { maxAttempts: 5 } });
    h.http.answer({ statusCode: 410 });

    expect(await h.attempt(logId)).toMatchObject({ kind: 'failed', result: { statusCode: 410 } });

    expect(await h.log(logId)).toMatchObject({
      status: 'failed',
      attempt_count: 1,
      response_status: 410,
    });
    expect(await h.webhook(webhook.id)).toMatchObject({
      is_active: false,
      disabled_reason: 'The endpoint answered 410 Gone',
      failed_deliveries: 1,
    });
  });

  it("records a disabled webhook's delivery as skipped, without sending or counting it", async () => {
    const { webhook, logId } = await oneDelivery();
    await h.db.query(`UPDATE webhooks SET is_active = false WHERE id = $1`, [webhook.id]);

    expect(await h.attempt(logId)).toEqual({ kind: 'failed', result: null });

    expect(h.http.sent).toHaveLength(0);
    expect(await h.log(logId)).toMatchObject({
      status: 'failed',
      attempt_count: 0,
      attempts: [],
      error_message: 'Not sent: the webhook is disabled',
    });
    expect(await h.webhook(webhook.id)).toMatchObject({
      total_deliveries: 0,
      failed_deliveries: 0,
      consecutive_failures: 0,
    });
  });

  it('sends a test delivery once even to a disabled webhook, never scheduling a retry', async () => {
    const { webhook, logId } = await oneDelivery({ retryPolicy: { maxAttempts: 5 } });
    await h.db.query(`UPDATE webhooks SET is_active = false WHERE id = $1`, [webhook.id]);
    h.http.answer({ statusCode: 500 });

    expect(await h.attempt(logId, { test: true })).toMatchObject({ kind: 'failed' });
    expect(h.http.sent).toHaveLength(1);
    expect(await h.log(logId)).toMatchObject({
      status: 'failed',
      attempt_count: 1,
      next_attempt_at: null,
    });
  });

  it('gives up on a delivery claimed again and again without an outcome recorded', async () => {
    const { webhook, logId } = await oneDelivery({ retryPolicy: { maxAttempts: 2 } });
    // Four claims whose workers died before recording anything.
    await h.db.query(
      `UPDATE webhook_logs SET status = 'sending', attempt_count = 4 WHERE id = $1`,
      [logId],
    );

    expect(await h.attempt(logId)).toEqual({ kind: 'failed', result: null });

    expect(h.http.sent).toHaveLength(0);
    const log = await h.log(logId);
    expect(log).toMatchObject({ status: 'failed', attempt_count: 4 });
    expect(log.error_message).toMatch(/^Gave up/);
    expect(await h.webhook(webhook.id)).toMatchObject({ failed_deliveries: 1 });
  });
});
