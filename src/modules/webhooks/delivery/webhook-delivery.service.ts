import { Injectable, Logger } from '@nestjs/common';
import { WebhooksConfig } from '../options/webhooks-config';
import { WebhookMetrics } from '../metrics/webhook-metrics';
import { UNRECORDED_ATTEMPTS_ALLOWED } from '../delivery-lifecycle';
import { signPayload } from '../signing/webhook-signer';
import { unsendableHeaderName } from '../validation/webhook-headers';
import { AttemptRecord, ClaimedDelivery, DeliveryStore, SECRET_UNREADABLE } from './delivery-store';
import { HttpAttemptResult, WebhookHttpClient } from './webhook-http-client';
import { retryDelayMs } from './retry-schedule';
import { USER_AGENT } from './user-agent';

export type DeliveryOutcome =
  | { kind: 'success'; result: HttpAttemptResult }
  | { kind: 'retry'; result: HttpAttemptResult; delayMs: number }
  | { kind: 'failed'; result: HttpAttemptResult | null }
  | { kind: 'dropped' };

const GONE = 410;
const RETRY_AFTER_STATUSES = new Set([429, 503]);

/** One delivery attempt: claim the log, sign, POST, record the outcome and what follows. */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger(WebhookDeliveryService.name);
  private readonly disableAfterFailures: number;
  private readonly disableAfterMs: number;

  constructor(
    private readonly store: DeliveryStore,
    private readonly http: WebhookHttpClient,
    config: WebhooksConfig,
    private readonly metrics: WebhookMetrics,
  ) {
    this.disableAfterFailures = config.disableAfterFailures;
    this.disableAfterMs = config.disableAfterHours * 3_600_000;
  }

  /** `test`: a single synchronous attempt from the test route, sent even to a disabled webhook. */
  async attempt(logId: string, options: { test?: boolean } = {}): Promise<DeliveryOutcome> {
    const outcome = await this.attemptOnce(logId, options);
    this.metrics.recordDelivery(outcome.kind);
    return outcome;
  }

  private async attemptOnce(logId: string, options: { test?: boolean }): Promise<DeliveryOutcome> {
    const delivery = await this.store.claim(logId);
    if (!delivery) return { kind: 'dropped' };
    // Already recorded as failed by the claim: a secret that does not decrypt cannot sign.
    if (delivery === SECRET_UNREADABLE) return { kind: 'failed', result: null };
    if (!delivery.isActive && !options.test) {
      await this.store.recordSkipped(logId, 'Not sent: the webhook is disabled');
      return { kind: 'failed', result: null };
    }
    // Saved before header values were checked: retrying cannot help, and sending would alter
    // a credential in silence.
    const unsendable = unsendableHeaderName(delivery.headers);
    if (unsendable !== null) {
      await this.store.recordSkipped(
        logId,
        `Not sent: the value of custom header "${unsendable}" would be altered on the wire; update the webhook's headers`,
      );
      return { kind: 'failed', result: null };
    }
    // Claimed again and again without an outcome recorded (recording keeps failing, workers
    // keep dying): stop rather than send forever.
    if (delivery.attemptInRound > delivery.retryPolicy.maxAttempts + UNRECORDED_ATTEMPTS_ALLOWED) {
      await this.store.recordFailure(
        logId,
        null,
        'Gave up: earlier attempts ended without an outcome',
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
      await this.store.recordSuccess(logId, attempt);
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
      await this.store.recordRetry(logId, attempt, delayMs);
      return { kind: 'retry', result, delayMs };
    }

    const health = await this.store.recordFailure(logId, attempt, result.error);
    if (gone) {
      await this.disable(delivery, 'The endpoint answered 410 Gone');
    } else if (
      health &&
      health.consecutiveFailures >= this.disableAfterFailures &&
      health.failingSince !== null &&
      Date.now() - new Date(health.failingSince).getTime() >= this.disableAfterMs
    ) {
      await this.disable(
        delivery,
        `${health.consecutiveFailures} consecutive failed deliveries since ${new Date(health.failingSince).toISOString()}`,
      );
    }
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

  private async disable(delivery: ClaimedDelivery, reason: string): Promise<void> {
    if (await this.store.disableWebhook(delivery.webhookId, reason)) {
      this.logger.warn(`Webhook ${delivery.webhookId} disabled: ${reason}`);
    }
  }
}
