import { Injectable, Logger } from '@nestjs/common';
import { ClaimRow, DeliveryLogRepository, LogKey } from '../delivery-logs/delivery-log.repository';
import { RetryPolicy } from '../endpoints/retry-policy';
import { deliveryBody } from '../routing/format/body-format';
import { SecretDecryptionError } from '../secrets/secret-cipher';
import { UNREADABLE_SECRET_NOT_SENT } from '../secrets/unreadable-secret';
import { WebhookSecretCipher } from '../secrets/webhook-secret-cipher';

/** What one attempt needs: the claimed log joined with its webhook's delivery settings. */
export interface ClaimedDelivery {
  logId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  /** When the delivery row was created: the event's trigger time (and its partition key). */
  createdAt: Date;
  /** The request body: the envelope as triggerEvent serialized it, or its slack/discord message. */
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

/**
 * A delivery of a FIFO webhook that is not the head of its line (contract §10): not claimed,
 * its row unchanged; it gets a job again when the deliveries before it ended.
 */
export const WAITS_IN_LINE = 'waits-in-line';

/** Claims a delivery and opens its signing secrets, after the claim's single round trip. */
@Injectable()
export class DeliveryClaims {
  private readonly logger = new Logger(DeliveryClaims.name);

  constructor(
    private readonly logs: DeliveryLogRepository,
    private readonly cipher: WebhookSecretCipher,
  ) {}

  /**
   * The claimed delivery; null when its row is gone or already final, WAITS_IN_LINE when another
   * delivery of its FIFO webhook goes first. A delivery whose secret
   * does not decrypt is recorded as failed at once (SECRET_UNREADABLE): retrying could never
   * sign it, and the rest of its claim batch is unaffected.
   */
  async claim(
    log: LogKey,
  ): Promise<ClaimedDelivery | typeof SECRET_UNREADABLE | typeof WAITS_IN_LINE | null> {
    const row = await this.logs.claim(log);
    // Rows are seldom left unclaimed, so only then is it asked why.
    if (!row) return (await this.logs.waitsInFifoLine(log)) ? WAITS_IN_LINE : null;
    const secrets = this.decryptSecrets(row);
    if (!secrets) {
      await this.logs.recordSkipped(log, UNREADABLE_SECRET_NOT_SENT);
      return SECRET_UNREADABLE;
    }
    return toClaimed(row, secrets);
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
}

function toClaimed(row: ClaimRow, secrets: string[]): ClaimedDelivery {
  return {
    logId: row.id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    createdAt: row.created_at,
    // The body sent and signed: the stored envelope, or the chat message made from it.
    body: deliveryBody(row.body, row),
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
