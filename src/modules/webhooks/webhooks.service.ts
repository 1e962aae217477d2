import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import {
  isKnownEventType,
  subscriptionPatternsFor,
  WebhookEventType,
} from './events/event-catalog';
import { buildEventEnvelope } from './events/event-envelope';
import { runAfterCommit } from './outbox/after-commit.subscriber';
import { DeliveryQueue } from './outbox/delivery-queue.service';
import { InvalidWebhookEventError } from './webhook-event.error';
import { DeliveryRef } from './webhook-queue';

const EVENT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,255}$/;

export interface TriggerOptions {
  /** Idempotency key: an id seen before for the tenant is not delivered again. */
  eventId?: string;
  /** The caller's transaction: deliveries exist if and only if it commits. */
  manager?: EntityManager;
}

export interface TriggerResult {
  eventId: string;
  deliveries: number;
}

/** The in-process API other modules call to emit webhook events. */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: DeliveryQueue,
  ) {}

  /**
   * Writes one pending log per subscribed active webhook in one statement (the outbox) and
   * enqueues them after commit. Throws InvalidWebhookEventError and writes nothing when the
   * event can never be delivered.
   */
  async triggerEvent(
    tenantId: string,
    eventType: WebhookEventType,
    data: Record<string, unknown>,
    options: TriggerOptions = {},
  ): Promise<TriggerResult> {
    const eventId = options.eventId ?? `evt_${randomUUID().replace(/-/g, '')}`;
    // webhook.test is deliverable, but only by the test route.
    if (!isKnownEventType(eventType)) {
      throw new InvalidWebhookEventError(`Unknown webhook event type "${eventType}"`);
    }
    const payload = buildEventEnvelope(eventId, eventType, data);
    if (!isUUID(tenantId)) throw new InvalidWebhookEventError('tenantId must be a UUID');
    if (!EVENT_ID_PATTERN.test(eventId)) {
      throw new InvalidWebhookEventError(
        'eventId must be 1-255 letters, digits, "_", ".", ":" or "-"',
      );
    }

    const deliveries = await queryRows<DeliveryRef>(
      options.manager ?? this.db,
      `INSERT INTO webhook_logs (tenant_id, webhook_id, event_id, event_type, payload, next_attempt_at)
       SELECT $1::uuid, w.id, $2::varchar, $3::varchar, $4::json, now()
         FROM webhooks w
        WHERE w.tenant_id = $1::uuid AND w.is_active AND w.events && $5::text[]
          AND ($6::boolean OR NOT EXISTS (
                SELECT 1 FROM webhook_logs l WHERE l.tenant_id = $1::uuid AND l.event_id = $2::varchar))
       ON CONFLICT (webhook_id, event_id) DO NOTHING
       RETURNING id, webhook_id AS "webhookId"`,
      [tenantId, eventId, eventType, payload, subscriptionPatternsFor(eventType), !options.eventId],
    );
    if (deliveries.length > 0) {
      const enqueue = () => void this.queue.enqueue(deliveries);
      if (options.manager) runAfterCommit(options.manager, enqueue);
      else await this.queue.enqueue(deliveries);
    }
    return { eventId, deliveries: deliveries.length };
  }
}
