import type { OutboxEvent } from './outbox-event';

/** The outbox write's two statements, for DeliveryLogRepository.insertPending only. */

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

/** The statement and its parameters for these events (distinct tenant and event id pairs). */
export function insertPendingStatement(events: readonly OutboxEvent[]): [string, unknown[]] {
  if (events.length === 1) {
    const { tenantId, eventId, eventType, payload, patterns, generatedId } = events[0];
    return [INSERT_ONE, [tenantId, eventId, eventType, payload, patterns, generatedId]];
  }
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
