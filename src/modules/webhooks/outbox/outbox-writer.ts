import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows';
import { DeliveryRef } from '../webhook-queue';

/** One event to write to the outbox. */
export interface OutboxEvent {
  /** Normalized (normalizeTenantId): compared exactly, as Postgres stores it. */
  tenantId: string;
  eventId: string;
  eventType: string;
  /** The serialized envelope, sent as the request body. */
  payload: string;
  /** The webhook subscriptions that match the event (exact, `category.*`, `*`). */
  patterns: string[];
  /** Ids triggerEvent generated are new by construction: no earlier use to look for. */
  generatedId: boolean;
}

const RETURNING = `RETURNING id, webhook_id AS "webhookId", tenant_id AS "tenantId", event_id AS "eventId"`;

/** One event (every call inside a caller's transaction): constants plan best. */
const INSERT_ONE = `
  INSERT INTO webhook_logs (tenant_id, webhook_id, event_id, event_type, payload, next_attempt_at)
  SELECT $1::varchar, w.id, $2::varchar, $3::varchar, $4::json, now()
    FROM webhooks w
   WHERE w.tenant_id = $1::varchar AND w.is_active AND w.events && $5::text[]
     AND ($6::boolean OR NOT EXISTS (
           SELECT 1 FROM webhook_logs l WHERE l.tenant_id = $1::varchar AND l.event_id = $2::varchar))
  ON CONFLICT (webhook_id, event_id) DO NOTHING
  ${RETURNING}`;

/**
 * Many events: the same statement over one array per column. Patterns travel joined by
 * commas (never part of an event type): arrays of arrays must be rectangular, and unnest()
 * would flatten them.
 */
const INSERT_MANY = `
  INSERT INTO webhook_logs (tenant_id, webhook_id, event_id, event_type, payload, next_attempt_at)
  SELECT e.tenant_id, w.id, e.event_id, e.event_type, e.payload, now()
    FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::json[], $5::text[], $6::boolean[])
           AS e(tenant_id, event_id, event_type, payload, patterns, generated_id)
    JOIN webhooks w ON w.tenant_id = e.tenant_id AND w.is_active
                   AND w.events && string_to_array(e.patterns, ',')
   WHERE e.generated_id OR NOT EXISTS (
           SELECT 1 FROM webhook_logs l WHERE l.tenant_id = e.tenant_id AND l.event_id = e.event_id)
  ON CONFLICT (webhook_id, event_id) DO NOTHING
  ${RETURNING}`;

interface WrittenRow extends DeliveryRef {
  tenantId: string;
  eventId: string;
}

/**
 * Writes the pending deliveries of many events in one statement: one row per event and
 * subscribed active webhook. An explicit event id the tenant has used before writes nothing
 * (idempotency); within one call only its first use counts. Returns each event's rows, in
 * input order.
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

  const rows = await queryRows<WrittenRow>(
    db,
    ...(unique.length === 1 ? insertOne(unique[0]) : insertMany(unique)),
  );

  const written = new Map<string, DeliveryRef[]>();
  for (const { id, webhookId, tenantId, eventId } of rows) {
    const key = keyOf(tenantId, eventId);
    const refs = written.get(key);
    if (refs) refs.push({ id, webhookId });
    else written.set(key, [{ id, webhookId }]);
  }
  return keys.map((key, index) => (firstUse.get(key) === index ? (written.get(key) ?? []) : []));
}

function insertOne(event: OutboxEvent): [string, unknown[]] {
  const { tenantId, eventId, eventType, payload, patterns, generatedId } = event;
  return [INSERT_ONE, [tenantId, eventId, eventType, payload, patterns, generatedId]];
}

function insertMany(events: readonly OutboxEvent[]): [string, unknown[]] {
  return [
    INSERT_MANY,
    [
      events.map((event) => event.tenantId),
      events.map((event) => event.eventId),
      events.map((event) => event.eventType),
      events.map((event) => event.payload),
      events.map((event) => event.patterns.join(',')),
      events.map((event) => event.generatedId),
    ],
  ];
}
