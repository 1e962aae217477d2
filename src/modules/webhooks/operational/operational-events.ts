import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows';
import { EventCatalog } from '../events/event-catalog';
import { buildEventEnvelope } from '../events/event-envelope';
import { OutboxEvent } from '../delivery-logs/outbox-event';
import { DeliveryQueue } from '../outbox/delivery-queue.service';
import { writeOutbox } from '../outbox/outbox-writer';
import { DeliveryRef } from '../delivery/webhook-queue';
import { OperationalEvent } from './operational-event';
import { OperationalListeners } from './operational-listeners';

/**
 * Raising operational events: their deliveries are written in the transaction that records the
 * outcome they report (so they exist iff it commits), to every active webhook of the tenant
 * that subscribes except the one they are about; once committed, they are queued and the
 * host's listeners hear of them.
 */
@Injectable()
export class OperationalEvents {
  constructor(
    private readonly catalog: EventCatalog,
    private readonly queue: DeliveryQueue,
    private readonly listeners: OperationalListeners,
  ) {}

  /**
   * Writes the events' pending deliveries inside `manager`'s transaction. Returns the events
   * that are new (an id written before is a replay: the outbox writes nothing for it, and the
   * listeners must not hear of it twice) and their deliveries.
   */
  async write(
    manager: EntityManager,
    candidates: readonly OperationalEvent[],
  ): Promise<{ events: OperationalEvent[]; deliveries: DeliveryRef[] }> {
    const events = await this.unseen(manager, candidates);
    if (events.length === 0) return { events, deliveries: [] };
    const outbox = events.map((event): OutboxEvent => ({
      tenantId: event.tenantId,
      eventId: event.eventId,
      eventType: event.type,
      payload: buildEventEnvelope(
        event.eventId,
        event.type,
        event.data as unknown as Record<string, unknown>,
      ),
      patterns: this.catalog.subscriptionPatternsFor(event.type),
      excludeWebhookId: event.data.webhookId,
    }));
    return { events, deliveries: (await writeOutbox(manager, outbox)).flat() };
  }

  /** The events whose id has no idempotency key yet (all of one tenant: one outcome's). */
  private async unseen(
    manager: EntityManager,
    events: readonly OperationalEvent[],
  ): Promise<OperationalEvent[]> {
    if (events.length === 0) return [];
    const seen = await queryRows<{ event_id: string }>(
      manager,
      `SELECT event_id FROM webhook_event_keys WHERE tenant_id = $1 AND event_id = ANY($2::varchar[])`,
      [events[0].tenantId, events.map((event) => event.eventId)],
    );
    const ids = new Set(seen.map((row) => row.event_id));
    return events.filter((event) => !ids.has(event.eventId));
  }

  /**
   * After commit: queues the deliveries (what Redis does not take, the relay does) and calls
   * the host's listeners without waiting for them.
   */
  async published(events: readonly OperationalEvent[], deliveries: DeliveryRef[]): Promise<void> {
    if (deliveries.length > 0) await this.queue.enqueue(deliveries);
    if (events.length > 0) void this.listeners.notify(events);
  }
}
