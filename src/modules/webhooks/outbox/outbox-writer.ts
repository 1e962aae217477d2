import { DataSource, EntityManager } from 'typeorm';
import { DeliveryLogRepository } from '../delivery-logs/delivery-log.repository';
import { DeliveryRef } from '../delivery/webhook-queue';
import { OutboxEvent } from '../delivery-logs/outbox-event';
import { WrittenDelivery } from '../delivery-logs/delivery-log.repository';
import { outboxRouting } from './outbox-routing';
import { WebhookFilters } from './webhook-filters';

/**
 * The compiled payload filters, for every module instance of the process: the outbox statement
 * checks each against the stored one, so sharing can only cost a re-read, never a wrong event.
 */
const filters = new WebhookFilters();
/** Rounds of "filters changed, read them again": only a filter edited in every round runs out. */
const MAX_FILTER_ROUNDS = 3;

/**
 * Writes the pending deliveries of many events in one statement: one row per event and
 * subscribed active webhook. An explicit event id the tenant has used before writes nothing
 * (idempotency); within one call only its first use counts. Returns each event's rows, in
 * input order, each with its FIFO sequence when its webhook is ordered. `db` is the caller's
 * transaction when there is one.
 */
export async function writeOutbox(
  db: DataSource | EntityManager,
  events: readonly OutboxEvent[],
): Promise<DeliveryRef[][]> {
  // Tenant ids come normalized and are stored as given, so rows match their event exactly;
  // event ids hold no "/", so no two pairs share a key.
  const keyOf = (tenantId: string, eventId: string) => `${tenantId}/${eventId}`;
  const keys = events.map((event) => keyOf(event.tenantId, event.eventId));
  const firstUse = new Map<string, number>();
  keys.forEach((key, index) => {
    if (!firstUse.has(key)) firstUse.set(key, index);
  });
  const unique = events.filter((_, index) => firstUse.get(keys[index]) === index);

  const rows = await insertRouted(db, unique);

  const written = new Map<string, DeliveryRef[]>();
  for (const { id, webhookId, createdAt, fifoSequence, tenantId, eventId } of rows) {
    const key = keyOf(tenantId, eventId);
    const ref = { id, webhookId, createdAt, fifoSequence };
    const refs = written.get(key);
    if (refs) refs.push(ref);
    else written.set(key, [ref]);
  }
  return keys.map((key, index) => (firstUse.get(key) === index ? (written.get(key) ?? []) : []));
}

/**
 * The insert, with the filters evaluated in process. A round that finds a filtered webhook whose
 * filter this process does not know writes nothing; its tenants' filters are read again (in the
 * caller's transaction, if any) and the round repeated.
 */
async function insertRouted(
  db: DataSource | EntityManager,
  events: readonly OutboxEvent[],
): Promise<WrittenDelivery[]> {
  const logs = DeliveryLogRepository.within(db);
  for (let round = 1; ; round++) {
    const rows = await logs.insertPending(events, outboxRouting(events, filters));
    const stale = rows.filter((row) => row.id === null);
    if (stale.length === 0) return rows;
    if (round === MAX_FILTER_ROUNDS) {
      throw new Error('Webhook filters kept changing while the event was written; try again');
    }
    await filters.refresh(db, [...new Set(stale.map((row) => row.tenantId))]);
  }
}
