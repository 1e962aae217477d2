import { CREATED_AT_MS } from './log-columns.sql';
import type { OutboxEvent } from './outbox-event';

/**
 * The outbox write's two statements, for DeliveryLogRepository.insertPending only. An event
 * with at least one subscribed active webhook gets its idempotency key, its one events row
 * (the payload, stored once) and one pending log per webhook; the key's ON CONFLICT makes an
 * event id the tenant used before write nothing. Every row of one call shares now(), which is
 * how a log finds its event (and its day partition). The webhooks written for are locked FOR
 * KEY SHARE, as a foreign key check would: deleting one waits for the insert, then deletes its
 * logs too.
 *
 * FIFO webhooks (contract §10) number their rows: `line` takes the next numbers from the
 * webhook's fifo_sequence, under its row lock, which is held until commit. A second writer for
 * the same webhook waits there and gets the numbers after these, so the order is the commit
 * order. The locks are taken in webhook id order (no deadlock between two writers), and only for
 * FIFO webhooks: for unordered ones `line` and `numbered` are empty and nothing else changes.
 */

const RETURNING = `RETURNING id, webhook_id AS "webhookId", tenant_id AS "tenantId", event_id AS "eventId",
  ${CREATED_AT_MS}, fifo_sequence::float8 AS "fifoSequence"`;

/**
 * The FIFO webhooks among `written` (rows with webhook_id and fifo), locked in id order, and
 * their counters moved past the rows' numbers; `before` is the last number given before.
 */
function fifoLine(written: string): string {
  return `
  fifo_counts AS (
    SELECT webhook_id, count(*)::bigint AS n FROM ${written} WHERE fifo GROUP BY webhook_id),
  fifo_locked AS (
    SELECT w.id FROM webhooks w JOIN fifo_counts c ON c.webhook_id = w.id
     WHERE w.ordering = 'fifo'
     ORDER BY w.id
     FOR NO KEY UPDATE OF w),
  line AS (
    UPDATE webhooks w SET fifo_sequence = w.fifo_sequence + c.n
      FROM fifo_locked l JOIN fifo_counts c ON c.webhook_id = l.id
     WHERE w.id = l.id
    RETURNING w.id AS webhook_id, w.fifo_sequence - c.n AS before)`;
}

/** One event (every call inside a caller's transaction): constants plan best. */
const INSERT_ONE = `
  WITH targets AS (
    SELECT w.id, w.ordering = 'fifo' AS fifo FROM webhooks w
     WHERE w.tenant_id = $1::varchar AND w.is_active AND w.events && $5::text[]
       AND w.id IS DISTINCT FROM $6::uuid
     FOR KEY SHARE),
  fresh AS (
    INSERT INTO webhook_event_keys (tenant_id, event_id)
    SELECT $1::varchar, $2::varchar WHERE EXISTS (SELECT 1 FROM targets)
    ON CONFLICT DO NOTHING
    RETURNING event_id),
  stored AS (
    INSERT INTO webhook_events (tenant_id, event_id, event_type, payload)
    SELECT $1::varchar, $2::varchar, $3::varchar, $4::json FROM fresh),
  written AS (
    SELECT t.id AS webhook_id, t.fifo FROM targets t, fresh),
  ${fifoLine('written')}
  INSERT INTO webhook_logs (tenant_id, webhook_id, event_id, event_type, next_attempt_at, fifo_sequence)
  SELECT $1::varchar, t.webhook_id, $2::varchar, $3::varchar, now(), line.before + 1
    FROM written t LEFT JOIN line USING (webhook_id)
  ${RETURNING}`;

/**
 * Many events: the same statements over one array per column. Patterns travel joined by
 * commas (never part of an event type): arrays of arrays must be rectangular, and unnest()
 * would flatten them.
 */
const INSERT_MANY = `
  WITH e AS (
    SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::json[], $5::text[], $6::uuid[])
                  WITH ORDINALITY
             AS e(tenant_id, event_id, event_type, payload, patterns, exclude_webhook_id, position)),
  targets AS (
    SELECT e.tenant_id, e.event_id, w.id AS webhook_id, w.ordering = 'fifo' AS fifo
      FROM e JOIN webhooks w ON w.tenant_id = e.tenant_id AND w.is_active
                            AND w.events && string_to_array(e.patterns, ',')
                            AND w.id IS DISTINCT FROM e.exclude_webhook_id
     FOR KEY SHARE OF w),
  fresh AS (
    INSERT INTO webhook_event_keys (tenant_id, event_id)
    SELECT DISTINCT tenant_id, event_id FROM targets
    ON CONFLICT DO NOTHING
    RETURNING tenant_id, event_id),
  stored AS (
    INSERT INTO webhook_events (tenant_id, event_id, event_type, payload)
    SELECT e.tenant_id, e.event_id, e.event_type, e.payload FROM e JOIN fresh USING (tenant_id, event_id)),
  fifo_written AS (
    SELECT t.tenant_id, t.event_id, t.webhook_id, t.fifo, e.position
      FROM targets t JOIN fresh USING (tenant_id, event_id) JOIN e USING (tenant_id, event_id)
     WHERE t.fifo),
  ${fifoLine('fifo_written')},
  -- Several events of one call may go to the same FIFO webhook: numbered in input order.
  numbered AS (
    SELECT f.tenant_id, f.event_id, f.webhook_id,
           line.before + row_number() OVER (PARTITION BY f.webhook_id ORDER BY f.position) AS seq
      FROM fifo_written f JOIN line USING (webhook_id))
  INSERT INTO webhook_logs (tenant_id, webhook_id, event_id, event_type, next_attempt_at, fifo_sequence)
  SELECT t.tenant_id, t.webhook_id, t.event_id, e.event_type, now(), n.seq
    FROM targets t JOIN fresh USING (tenant_id, event_id) JOIN e USING (tenant_id, event_id)
    LEFT JOIN numbered n USING (tenant_id, event_id, webhook_id)
  ${RETURNING}`;

/** The statement and its parameters for these events (distinct tenant and event id pairs). */
export function insertPendingStatement(events: readonly OutboxEvent[]): [string, unknown[]] {
  if (events.length === 1) {
    const { tenantId, eventId, eventType, payload, patterns, excludeWebhookId } = events[0];
    return [
      INSERT_ONE,
      [tenantId, eventId, eventType, payload, patterns, excludeWebhookId ?? null],
    ];
  }
  return [
    INSERT_MANY,
    [
      events.map((event) => event.tenantId),
      events.map((event) => event.eventId),
      events.map((event) => event.eventType),
      events.map((event) => event.payload),
      events.map((event) => event.patterns.join(',')),
      events.map((event) => event.excludeWebhookId ?? null),
    ],
  ];
}
