import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { MicroBatcher } from './support/micro-batcher';
import { retryOnDeadlock } from './database/retry-on-deadlock';
import { EventCatalog } from './events/event-catalog';
import { WebhookEventData, WebhookEventType } from './events/event-types';
import { buildEventEnvelope } from './events/event-envelope';
import { runAfterCommit } from './outbox/after-commit.subscriber';
import { DeliveryQueue } from './outbox/delivery-queue.service';
import { OutboxEvent } from './delivery-logs/outbox-event';
import { writeOutbox } from './outbox/outbox-writer';
import { normalizeTenantId, TENANT_ID_RULE } from './tenancy/tenant-id';
import { InvalidWebhookEventError } from './events/webhook-event.error';
import { DeliveryRef } from './delivery/webhook-queue';
import { EVENT_ID_PATTERN, EVENT_ID_RULE } from './events/event-id';
import { OperationalListeners } from './operational/operational-listeners';
import { OperationalEventListener } from './operational/operational-event';

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
    private readonly catalog: EventCatalog,
    private readonly operationalListeners: OperationalListeners,
  ) {}

  /**
   * Calls `listener` with every operational event (`webhook.disabled`,
   * `webhook.delivery_failed`) this process records, for every tenant, once its outcome has
   * committed: `{ tenantId, type, eventId, data }`, the same event the tenant's subscribed
   * endpoints receive, raised whether or not any endpoint subscribes. It runs detached from
   * the delivery: a slow listener holds no worker, and one that throws is logged and changes
   * nothing. Returns the function that removes it. Register it where the worker runs.
   */
  onOperationalEvent(listener: OperationalEventListener): () => void {
    return this.operationalListeners.add(listener);
  }

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
   * delivered. `eventType` must be in the catalog (declared with forRoot or forFeature);
   * with WebhookEventPayloads augmented, the compiler checks it and `data` against the map.
   */
  async triggerEvent<T extends WebhookEventType>(
    tenantId: string,
    eventType: T,
    data: WebhookEventData<T>,
    options: TriggerOptions = {},
  ): Promise<TriggerResult> {
    const eventId = options.eventId ?? `evt_${randomUUID().replace(/-/g, '')}`;
    // webhook.test is deliverable, but only by the test route.
    if (!this.catalog.isKnownEventType(eventType)) {
      throw new InvalidWebhookEventError(`Unknown webhook event type "${String(eventType)}"`);
    }
    const payload = buildEventEnvelope(eventId, eventType, data as Record<string, unknown>);
    const tenant = normalizeTenantId(tenantId);
    if (tenant === null) throw new InvalidWebhookEventError(TENANT_ID_RULE);
    if (!EVENT_ID_PATTERN.test(eventId)) {
      throw new InvalidWebhookEventError(EVENT_ID_RULE);
    }

    const event: OutboxEvent = {
      tenantId: tenant,
      eventId,
      eventType,
      payload,
      patterns: this.catalog.subscriptionPatternsFor(eventType),
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
