import { Injectable, Logger } from '@nestjs/common';
import { WebhooksConfig } from '../options/webhooks-config';
import { WebhookMetrics } from '../metrics/webhook-metrics';
import { UNRECORDED_ATTEMPTS_ALLOWED } from './delivery-lifecycle';
import {
  AttemptRecord,
  DeliveryLogRepository,
  LogKey,
  WebhookHealth,
} from '../delivery-logs/delivery-log.repository';
import { DeliveryFailureRecorder } from '../operational/delivery-failure-recorder';
import { signPayload } from '../signing/webhook-signer';
import { WebhookRateLimiter } from '../throttling/webhook-rate-limiter';
import { unsendableHeaderName } from '../endpoints/validation/webhook-headers';
import { DeliveryJobData } from './webhook-queue';
import {
  ClaimedDelivery,
  DeliveryClaims,
  SECRET_UNREADABLE,
  WAITS_IN_LINE,
} from './delivery-claims';
import { HttpAttemptResult, WebhookHttpClient } from './webhook-http-client';
import { retryDelayMs } from './retry-schedule';
import { USER_AGENT } from './user-agent';

/** What an attempt that claimed (or found no) row ended with; each is counted in the metrics. */
export type AttemptedOutcome =
  | { kind: 'success'; result: HttpAttemptResult }
  | { kind: 'retry'; result: HttpAttemptResult; delayMs: number }
  | { kind: 'failed'; result: HttpAttemptResult | null }
  | { kind: 'dropped' };

/**
 * Every way an attempt ends. `wait`: the webhook's rate-limit slot is at `untilMs`, so nothing
 * was claimed or sent and no attempt was used. `stopped`: `mayStart` said no, nothing claimed.
 * `blocked`: a FIFO webhook's delivery that is not the head of its line, nothing claimed.
 */
export type DeliveryOutcome =
  AttemptedOutcome | { kind: 'wait'; untilMs: number } | { kind: 'stopped' } | { kind: 'blocked' };

export interface AttemptOptions {
  /**
   * The test route's single synchronous attempt: no rate limit, sent even to a disabled
   * webhook, never retried.
   */
  test?: boolean;
  /** Asked once the rate-limit slot is here, just before the claim: false ends in `stopped`. */
  mayStart?: () => boolean;
}

const GONE = 410;
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/**
 * One delivery attempt: wait for a rate-limit slot, claim the log, sign, POST, record the
 * outcome and what follows.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger(WebhookDeliveryService.name);
  private readonly disableAfterFailures: number;
  private readonly disableAfterMs: number;

  constructor(
    private readonly logs: DeliveryLogRepository,
    private readonly claims: DeliveryClaims,
    private readonly rateLimiter: WebhookRateLimiter,
    private readonly http: WebhookHttpClient,
    config: WebhooksConfig,
    private readonly metrics: WebhookMetrics,
    private readonly failures: DeliveryFailureRecorder,
  ) {
    this.disableAfterFailures = config.disableAfterFailures;
    this.disableAfterMs = config.disableAfterHours * 3_600_000;
  }

  /** The delivery a job carries (`slotAt` once it reserved its rate-limit slot). */
  async attempt(job: DeliveryJobData, options: AttemptOptions = {}): Promise<DeliveryOutcome> {
    if (!options.test) {
      const wait = await this.rateLimitWait(job);
      if (wait) return wait;
    }
    if (options.mayStart && !options.mayStart()) return { kind: 'stopped' };
    const outcome = await this.attemptOnce({ id: job.logId, createdAt: job.createdAt }, options);
    // Not an attempt: nothing was claimed.
    if (outcome.kind !== 'blocked') this.metrics.recordDelivery(outcome.kind);
    return outcome;
  }

  /**
   * A rate-limited delivery reserves a slot once and waits for it without using an attempt;
   * its row is due at the slot, so the relay does not think it lost its job. Null: send now.
   */
  private async rateLimitWait(job: DeliveryJobData): Promise<DeliveryOutcome | null> {
    const { logId, webhookId, slotAt, createdAt } = job;
    if (slotAt !== undefined) {
      // Woken before its slot (delayed-job timers are not exact): wait for the rest.
      return slotAt > Date.now() ? { kind: 'wait', untilMs: slotAt } : null;
    }
    const waitMs = await this.rateLimiter.reserve(webhookId);
    if (waitMs <= 0) return null;
    const untilMs = Date.now() + waitMs;
    await this.logs.postpone({ id: logId, createdAt }, new Date(untilMs));
    return { kind: 'wait', untilMs };
  }

  private async attemptOnce(
    job: LogKey,
    options: AttemptOptions,
  ): Promise<AttemptedOutcome | { kind: 'blocked' }> {
    const delivery = await this.claims.claim(job);
    if (!delivery) return { kind: 'dropped' };
    if (delivery === WAITS_IN_LINE) return { kind: 'blocked' };
    // Already recorded as failed by the claim: a secret that does not decrypt cannot sign.
    if (delivery === SECRET_UNREADABLE) return { kind: 'failed', result: null };
    // From here on, the row's exact day.
    const log: LogKey = { id: delivery.logId, createdAt: delivery.createdAt.getTime() };
    if (!delivery.isActive && !options.test) {
      await this.logs.recordSkipped(log, 'Not sent: the webhook is disabled');
      return { kind: 'failed', result: null };
    }
    // Saved before header values were checked: retrying cannot help, and sending would alter
    // a credential in silence.
    const unsendable = unsendableHeaderName(delivery.headers);
    if (unsendable !== null) {
      await this.logs.recordSkipped(
        log,
        `Not sent: the value of custom header "${unsendable}" would be altered on the wire; update the webhook's headers`,
      );
      return { kind: 'failed', result: null };
    }
    // Claimed again and again without an outcome recorded (recording keeps failing, workers
    // keep dying): stop rather than send forever.
    if (delivery.attemptInRound > delivery.retryPolicy.maxAttempts + UNRECORDED_ATTEMPTS_ALLOWED) {
      await this.failures.record(
        delivery,
        log,
        null,
        'Gave up: earlier attempts ended without an outcome',
        { test: options.test, disableReason: () => null },
      );
      return { kind: 'failed', result: null };
    }

    const started = performance.now();
    const result = await this.send(delivery);
    this.metrics.deliveryDuration.observe((performance.now() - started) / 1000);
    const attempt: AttemptRecord = {
      attempt: delivery.attempt,
      at: new Date().toISOString(),
      statusCode: result.statusCode,
      responseTimeMs: result.responseTimeMs,
      error: result.error,
      responseBody: result.responseBody,
    };
    if (result.error === null) {
      await this.logs.recordSuccess(log, attempt);
      // Test sends skip the queue; the histogram is about the pipeline's latency.
      if (!options.test) {
        const sinceTrigger = Date.now() - delivery.createdAt.getTime();
        this.metrics.triggerToDelivery.observe(Math.max(0, sinceTrigger) / 1000);
      }
      return { kind: 'success', result };
    }

    const gone = result.statusCode === GONE;
    const exhausted = delivery.attemptInRound >= delivery.retryPolicy.maxAttempts;
    if (!gone && !exhausted && !options.test) {
      const retryAfter = RETRY_AFTER_STATUSES.has(result.statusCode ?? 0)
        ? result.retryAfterMs
        : null;
      const delayMs = retryDelayMs(delivery.retryPolicy, delivery.attemptInRound, retryAfter);
      await this.logs.recordRetry(log, attempt, delayMs);
      return { kind: 'retry', result, delayMs };
    }

    // The failure, the auto-disable and the operational events reporting them: one transaction.
    const { disabledReason } = await this.failures.record(delivery, log, attempt, result.error, {
      test: options.test,
      disableReason: (health) =>
        gone ? 'The endpoint answered 410 Gone' : this.autoDisableReason(health),
    });
    if (disabledReason)
      this.logger.warn(`Webhook ${delivery.webhookId} disabled: ${disabledReason}`);
    return { kind: 'failed', result };
  }

  private send(delivery: ClaimedDelivery): Promise<HttpAttemptResult> {
    const { body } = delivery;
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      ...delivery.headers,
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': delivery.eventId,
      'webhook-timestamp': String(timestamp),
      ...signPayload(delivery.secrets, delivery.eventId, timestamp, body),
      'x-webhook-event': delivery.eventType,
      'x-webhook-delivery': delivery.logId,
      'x-webhook-attempt': String(delivery.attempt),
    };
    return this.http.post(delivery.url, body, headers, delivery.timeoutMs);
  }

  /** The auto-disable rule (contract §5): why this failure streak disables, or null. */
  private autoDisableReason(health: WebhookHealth | null): string | null {
    if (
      !health ||
      health.consecutiveFailures < this.disableAfterFailures ||
      health.failingSince === null ||
      Date.now() - new Date(health.failingSince).getTime() < this.disableAfterMs
    ) {
      return null;
    }
    return `${health.consecutiveFailures} consecutive failed deliveries since ${new Date(health.failingSince).toISOString()}`;
  }
}
