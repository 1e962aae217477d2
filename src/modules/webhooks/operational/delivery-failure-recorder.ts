import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { retryOnDeadlock } from '../database/retry-on-deadlock';
import {
  AttemptRecord,
  DeliveryLogRepository,
  LogKey,
  WebhookHealth,
} from '../delivery-logs/delivery-log.repository';
import { ClaimedDelivery } from '../delivery/delivery-claims';
import { DeliveryStatus, FINAL_STATUSES } from '../delivery-logs/delivery-log-status';
import {
  DELIVERY_FAILED_EVENT,
  isOperationalEventType,
  MODULE_CATEGORY,
  WEBHOOK_DISABLED_EVENT,
} from '../events/built-in-events';
import { categoryOf } from '../events/event-definition-rules';
import { OperationalEvent } from './operational-event';
import { deliveryFailedEventId, webhookDisabledEventId } from './operational-event-ids';
import { OperationalEvents } from './operational-events';

/** What the events need of the failed delivery. */
export type FailedDelivery = Pick<ClaimedDelivery, 'logId' | 'webhookId' | 'eventId' | 'eventType'>;

export interface FailureContext {
  /** The test route's send: it raises no `webhook.delivery_failed`. */
  test?: boolean;
  /** Why the webhook is disabled after this failure, given its failure streak; null: it is not. */
  disableReason(health: WebhookHealth | null): string | null;
}

export interface RecordedFailure {
  /** False when the outcome was recorded before (or the row is gone): nothing was done. */
  recorded: boolean;
  /** The reason, when this failure disabled the webhook. */
  disabledReason: string | null;
}

/**
 * A delivery that ends failed: the log, the webhook's counters, the auto-disable and the
 * operational events that report them, in one transaction. So the events exist iff the outcome
 * does, and recording an outcome a second time (the row is final by then) changes nothing.
 *
 * - `webhook.delivery_failed` for a delivery of a tenant's event, not for a test send nor for
 *   a delivery of a `webhook.*` event.
 * - `webhook.disabled` when this failure disabled the webhook, unless the failed delivery was
 *   itself an operational event: an operational delivery's failure raises nothing, so events
 *   never beget events.
 * - Both go to the tenant's other subscribed webhooks, never to the one they are about.
 */
@Injectable()
export class DeliveryFailureRecorder {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly operational: OperationalEvents,
  ) {}

  async record(
    delivery: FailedDelivery,
    log: LogKey,
    attempt: AttemptRecord | null,
    error: string,
    context: FailureContext,
  ): Promise<RecordedFailure> {
    const outcome = await retryOnDeadlock(() =>
      this.db.transaction(async (manager) => {
        const logs = DeliveryLogRepository.within(manager);
        const locked = await logs.lockForOutcome(log);
        // Final already: this outcome was recorded before.
        if (!locked || FINAL_STATUSES.includes(locked.status as DeliveryStatus)) return null;
        const health = await logs.recordFailure(log, attempt, error);
        const raised: OperationalEvent[] = [];
        const moduleEvent = categoryOf(delivery.eventType) === MODULE_CATEGORY;
        if (!context.test && !moduleEvent) {
          raised.push({
            tenantId: locked.tenantId,
            type: DELIVERY_FAILED_EVENT,
            eventId: deliveryFailedEventId(delivery.logId, locked.retryBase),
            data: {
              webhookId: delivery.webhookId,
              logId: delivery.logId,
              eventId: delivery.eventId,
              eventType: delivery.eventType,
              // A failure recorded without a send gives back the claim's count.
              attemptCount: attempt ? locked.attemptCount : locked.attemptCount - 1,
              lastError: error,
            },
          });
        }
        const reason = context.disableReason(health);
        const disabled = reason ? await logs.disableWebhook(delivery.webhookId, reason) : null;
        if (reason && disabled && !isOperationalEventType(delivery.eventType)) {
          raised.push({
            tenantId: disabled.tenantId,
            type: WEBHOOK_DISABLED_EVENT,
            eventId: webhookDisabledEventId(delivery.webhookId, disabled.disabledAtMs),
            data: {
              webhookId: delivery.webhookId,
              name: disabled.name,
              url: disabled.url,
              reason,
            },
          });
        }
        const { events, deliveries } = await this.operational.write(manager, raised);
        return { events, deliveries, disabledReason: disabled ? reason : null };
      }),
    );
    if (!outcome) return { recorded: false, disabledReason: null };
    await this.operational.published(outcome.events, outcome.deliveries);
    return { recorded: true, disabledReason: outcome.disabledReason };
  }
}
