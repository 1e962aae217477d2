import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../../../database/query-rows';
import { RetryPolicy } from '../entities/retry-policy';
import { DeliveryAttempt } from '../entities/webhook-log.entity';
import { WebhookSecretCipher } from '../secrets/webhook-secret-cipher';

/** What one attempt needs: the claimed log joined with its webhook's delivery settings. */
export interface ClaimedDelivery {
  logId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  /** When the delivery row was created: the event's trigger time. */
  createdAt: Date;
  /** The request body exactly as triggerEvent serialized it. */
  body: string;
  attempt: number;
  attemptInRound: number;
  url: string;
  headers: Record<string, string>;
  retryPolicy: RetryPolicy;
  timeoutMs: number;
  isActive: boolean;
  /** Decrypted signing secrets: the current one, then the previous one during its grace period. */
  secrets: string[];
}

export interface AttemptRecord extends DeliveryAttempt {
  responseBody: string | null;
}

export interface WebhookHealth {
  consecutiveFailures: number;
  failingSince: Date | null;
}

/** A stale `sending` row is handed back to the relay after this long. */
const SENDING_LEASE = '2 minutes';

/**
 * The SQL of the delivery hot path. Each outcome is one statement that updates the log and
 * the webhook's counters together, with in-place increments so concurrent workers never
 * lose an update.
 */
@Injectable()
export class DeliveryStore {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cipher: WebhookSecretCipher,
  ) {}

  /** Marks the log `sending` and counts the attempt; null when it is gone or already final. */
  async claim(logId: string): Promise<ClaimedDelivery | null> {
    const rows = await queryRows(
      this.db,
      `WITH claimed AS (
         UPDATE webhook_logs
            SET status = 'sending', attempt_count = attempt_count + 1,
                next_attempt_at = now() + interval '${SENDING_LEASE}', updated_at = now()
          WHERE id = $1 AND status IN ('pending', 'sending', 'retrying')
          RETURNING id, webhook_id, event_id, event_type, payload::text AS body, attempt_count, retry_base, created_at)
       SELECT c.*, w.url, w.headers, w.retry_policy, w.timeout_ms, w.is_active, w.secret,
              CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret END AS previous_secret
         FROM claimed c JOIN webhooks w ON w.id = c.webhook_id`,
      [logId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      logId: row.id,
      webhookId: row.webhook_id,
      eventId: row.event_id,
      eventType: row.event_type,
      createdAt: row.created_at,
      body: row.body,
      attempt: row.attempt_count,
      attemptInRound: row.attempt_count - row.retry_base,
      url: row.url,
      headers: row.headers,
      retryPolicy: row.retry_policy,
      timeoutMs: row.timeout_ms,
      isActive: row.is_active,
      secrets: (row.previous_secret ? [row.secret, row.previous_secret] : [row.secret]).map(
        (secret: string) => this.cipher.decrypt(secret),
      ),
    };
  }

  async recordSuccess(logId: string, attempt: AttemptRecord): Promise<void> {
    await this.db.query(
      `WITH log AS (
         UPDATE webhook_logs
            SET status = 'success', attempts = attempts || $2::jsonb, response_status = $3,
                response_body = $4, response_time_ms = $5, error_message = NULL,
                next_attempt_at = NULL, completed_at = now(), updated_at = now()
          WHERE id = $1
          RETURNING webhook_id, created_at)
       UPDATE webhooks w
          SET total_deliveries = total_deliveries + 1,
              successful_deliveries = successful_deliveries + 1,
              consecutive_failures = 0, failing_since = NULL, last_success_at = now(),
              last_triggered_at = GREATEST(last_triggered_at, log.created_at)
         FROM log WHERE w.id = log.webhook_id`,
      attemptParams(logId, attempt).slice(0, 5),
    );
  }

  async recordRetry(logId: string, attempt: AttemptRecord, delayMs: number): Promise<void> {
    await this.db.query(
      `WITH log AS (
         UPDATE webhook_logs
            SET status = 'retrying', attempts = attempts || $2::jsonb, response_status = $3,
                response_body = $4, response_time_ms = $5, error_message = $6,
                next_attempt_at = now() + $7 * interval '1 millisecond', updated_at = now()
          WHERE id = $1
          RETURNING webhook_id, created_at)
       UPDATE webhooks w
          SET last_triggered_at = GREATEST(last_triggered_at, log.created_at)
         FROM log WHERE w.id = log.webhook_id`,
      [...attemptParams(logId, attempt), delayMs],
    );
  }

  /** Final failure; returns the webhook's failure streak for the auto-disable rule. */
  async recordFailure(
    logId: string,
    attempt: AttemptRecord | null,
    error: string,
  ): Promise<WebhookHealth | null> {
    const rows = await queryRows(
      this.db,
      `WITH log AS (
         UPDATE webhook_logs
            SET status = 'failed', attempts = attempts || $2::jsonb,
                response_status = COALESCE($3, response_status),
                response_body = COALESCE($4, response_body),
                response_time_ms = COALESCE($5, response_time_ms), error_message = $6,
                attempt_count = attempt_count - $7, next_attempt_at = NULL,
                completed_at = now(), updated_at = now()
          WHERE id = $1
          RETURNING webhook_id, created_at)
       UPDATE webhooks w
          SET total_deliveries = total_deliveries + 1,
              failed_deliveries = failed_deliveries + 1,
              consecutive_failures = consecutive_failures + 1,
              failing_since = COALESCE(failing_since, now()), last_failure_at = now(),
              last_triggered_at = GREATEST(last_triggered_at, log.created_at)
         FROM log WHERE w.id = log.webhook_id
       RETURNING w.consecutive_failures, w.failing_since`,
      attempt
        ? [...attemptParams(logId, attempt).slice(0, 5), error, 0]
        : [logId, '[]', null, null, null, error, 1],
    );
    const row = rows[0];
    return row
      ? { consecutiveFailures: row.consecutive_failures, failingSince: row.failing_since }
      : null;
  }

  /** Disables an active webhook; true when this call did it (so the reason is logged once). */
  async disableWebhook(webhookId: string, reason: string): Promise<boolean> {
    const rows = await queryRows(
      this.db,
      `UPDATE webhooks SET is_active = false, disabled_reason = $2, updated_at = now()
        WHERE id = $1 AND is_active RETURNING id`,
      [webhookId, reason],
    );
    return rows.length > 0;
  }
}

function attemptParams(logId: string, attempt: AttemptRecord) {
  const { responseBody, ...entry } = attempt;
  return [
    logId,
    JSON.stringify([entry]),
    attempt.statusCode,
    responseBody,
    attempt.responseTimeMs,
    attempt.error,
  ];
}
