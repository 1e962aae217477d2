import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { MicroBatcher } from './support/micro-batcher';
import { retryOnDeadlock } from './database/retry-on-deadlock';
import {
  isKnownEventType,
  subscriptionPatternsFor,
  WebhookEventType,
} from './events/event-catalog';
import { buildEventEnvelope } from './events/event-envelope';
import { runAfterCommit } from './outbox/after-commit.subscriber';
import { DeliveryQueue } from './outbox/delivery-queue.service';
import { OutboxEvent, writeOutbox } from './outbox/outbox-writer';
import { normalizeTenantId, TENANT_ID_RULE } from './tenancy/tenant-id';
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
   * Events triggered outside a caller's transaction are group-committed: the calls made while
   * one statement runs are written together by the next, one commit for them all.
   */
  private readonly outbox = new MicroBatcher<OutboxEvent, DeliveryRef[]>((events) =>
    retryOnDeadlock(() => writeOutbox(this.db, events)),
  );

  /**
   * Writes one pending log per subscribed active webhook (the outbox) and enqueues them after
   * commit. Throws InvalidWebhookEventError and writes nothing when the event can never be
   * delivered.
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
    const tenant = normalizeTenantId(tenantId);
    if (tenant === null) throw new InvalidWebhookEventError(TENANT_ID_RULE);
    if (!EVENT_ID_PATTERN.test(eventId)) {
      throw new InvalidWebhookEventError(
        'eventId must be 1-255 letters, digits, "_", ".", ":" or "-"',
      );
    }

    const event: OutboxEvent = {
      tenantId: tenant,
      eventId,
      eventType,
      payload,
      patterns: subscriptionPatternsFor(eventType),
      generatedId: !options.eventId,
    };
    const { manager } = options;
    if (manager) {
      const [deliveries] = await writeOutbox(manager, [event]);
      if (deliveries.length > 0) runAfterCommit(manager, () => void this.queue.enqueue(deliveries));
      return { eventId, deliveries: deliveries.length };
    }
    const deliveries = await this.outbox.add(event);
    if (deliveries.length > 0) await this.queue.enqueue(deliveries);
    return { eventId, deliveries: deliveries.length };
  }
}
