import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MicroBatcher } from '../support/micro-batcher';
import { queryRows } from '../database/query-rows';
import { retryOnDeadlock } from '../database/retry-on-deadlock';
import { RetryPolicy } from '../entities/retry-policy';
import { DeliveryAttempt } from '../entities/webhook-log.entity';
import { SecretDecryptionError } from '../secrets/secret-cipher';
import { UNREADABLE_SECRET_NOT_SENT } from '../secrets/unreadable-secret';
import { WebhookSecretCipher } from '../secrets/webhook-secret-cipher';
import { SENDING_LEASE_MS } from '../delivery-lifecycle';

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

/**
 * A claimed delivery whose signing secret does not decrypt: already recorded as failed (not
 * sent), so the caller has nothing left to do.
 */
export const SECRET_UNREADABLE = 'secret-unreadable';

export interface AttemptRecord extends DeliveryAttempt {
  responseBody: string | null;
}

/** A claimed log joined with its webhook, secrets still encrypted. */
interface ClaimRow {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  body: string;
  attempt_count: number;
  retry_base: number;
  created_at: Date;
  url: string;
  headers: Record<string, string>;
  retry_policy: RetryPolicy;
  timeout_ms: number;
  is_active: boolean;
  secret: string;
  previous_secret: string | null;
}

interface SuccessRecord {
  logId: string;
  attempt: AttemptRecord;
}

export interface WebhookHealth {
  consecutiveFailures: number;
  failingSince: Date | null;
}

/**
 * The SQL of the delivery hot path. Each outcome is one statement that updates the log and
 * the webhook's counters together, with in-place increments so concurrent workers never
 * lose an update. Claims and successes, the two per-delivery statements, are batched across
 * concurrent deliveries.
 */
@Injectable()
export class DeliveryStore {
  private readonly logger = new Logger(DeliveryStore.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cipher: WebhookSecretCipher,
  ) {}

  private readonly claims = new MicroBatcher<string, ClaimRow | null>((ids) =>
    retryOnDeadlock(() => this.claimMany(ids)),
  );
  private readonly successes = new MicroBatcher<SuccessRecord, void>((records) =>
    retryOnDeadlock(() => this.recordSuccesses(records)),
  );

  /**
   * Marks the log `sending` and counts the attempt; null when it is gone or already final.
   * A delivery whose secret does not decrypt is recorded as failed at once (SECRET_UNREADABLE):
   * retrying could never sign it, and the rest of its claim batch is unaffected.
   */
  async claim(logId: string): Promise<ClaimedDelivery | typeof SECRET_UNREADABLE | null> {
    const row = await this.claims.add(logId);
    if (!row) return null;
    const secrets = this.decryptSecrets(row);
    if (!secrets) {
      await this.recordSkipped(logId, UNREADABLE_SECRET_NOT_SENT);
      return SECRET_UNREADABLE;
    }
    return toClaimed(row, secrets);
  }

  /** Final success of the log, and the webhook's counters with it. */
  recordSuccess(logId: string, attempt: AttemptRecord): Promise<void> {
    return this.successes.add({ logId, attempt });
  }

  /** One statement for the whole batch; decryption is per delivery, after it (see claim). */
  private async claimMany(logIds: string[]): Promise<Array<ClaimRow | null>> {
    const rows = await queryRows<ClaimRow>(
      this.db,
      `WITH claimed AS (
         UPDATE webhook_logs
            SET status = 'sending', attempt_count = attempt_count + 1,
                next_attempt_at = now() + interval '${SENDING_LEASE_MS} milliseconds', updated_at = now()
          WHERE id = ANY($1::uuid[]) AND status IN ('pending', 'sending', 'retrying')
          RETURNING id, webhook_id, event_id, event_type, payload::text AS body, attempt_count, retry_base, created_at)
       SELECT c.*, w.url, w.headers, w.retry_policy, w.timeout_ms, w.is_active, w.secret,
              CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret END AS previous_secret
         FROM claimed c JOIN webhooks w ON w.id = c.webhook_id`,
      [logIds],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return logIds.map((id) => byId.get(id) ?? null);
  }

  /** The current secret, then the previous one during its grace; null if one does not decrypt. */
  private decryptSecrets(row: ClaimRow): string[] | null {
    try {
      return (row.previous_secret ? [row.secret, row.previous_secret] : [row.secret]).map(
        (secret) => this.cipher.decrypt(secret),
      );
    } catch (error) {
      if (!(error instanceof SecretDecryptionError)) throw error;
      // The key id is for the operators; the tenant's log row gets a message without it.
      this.logger.warn(`Webhook ${row.webhook_id}: ${error.message}`);
      return null;
    }
  }

  /**
   * Many successes in one statement: each log row, then one counter update per webhook (so
   * a busy endpoint's row is locked once per batch, not once per delivery). Batches of one
   * process run one at a time; a deadlock between processes' batches is retried.
   */
  private async recordSuccesses(records: SuccessRecord[]): Promise<void[]> {
    const input = records.map(({ logId, attempt: { responseBody, ...entry } }) => ({
      id: logId,
      attempt: entry,
      status: entry.statusCode,
      body: responseBody,
      ms: entry.responseTimeMs,
    }));
    await this.db.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(id uuid, attempt jsonb, status int, body text, ms int)),
       log AS (
         UPDATE webhook_logs l
            SET status = 'success', attempts = l.attempts || jsonb_build_array(i.attempt),
                response_status = i.status, response_body = i.body, response_time_ms = i.ms,
                error_message = NULL, next_attempt_at = NULL, completed_at = now(), updated_at = now()
           FROM input i
          WHERE l.id = i.id
          RETURNING l.webhook_id, l.created_at),
       per_webhook AS (
         SELECT webhook_id, count(*)::int AS n, max(created_at) AS last_created FROM log GROUP BY webhook_id)
       UPDATE webhooks w
          SET total_deliveries = total_deliveries + p.n,
              successful_deliveries = successful_deliveries + p.n,
              consecutive_failures = 0, failing_since = NULL, last_success_at = now(),
              last_triggered_at = GREATEST(last_triggered_at, p.last_created)
         FROM per_webhook p
        WHERE w.id = p.webhook_id`,
      [JSON.stringify(input)],
    );
    return records.map(() => undefined);
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

  /** Final, without an attempt and without counting against the webhook (it was not sent). */
  async recordSkipped(logId: string, reason: string): Promise<void> {
    await this.db.query(
      `UPDATE webhook_logs
          SET status = 'failed', error_message = $2, attempt_count = attempt_count - 1,
              next_attempt_at = NULL, completed_at = now(), updated_at = now()
        WHERE id = $1`,
      [logId, reason],
    );
  }

  /** A rate-limited delivery waits for its slot: the relay should not think it lost its job. */
  async postpone(logId: string, until: Date): Promise<void> {
    await this.db.query(
      `UPDATE webhook_logs SET next_attempt_at = $2
        WHERE id = $1 AND status IN ('pending', 'retrying')`,
      [logId, until],
    );
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

function toClaimed(row: ClaimRow, secrets: string[]): ClaimedDelivery {
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
    secrets,
  };
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
