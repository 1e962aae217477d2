import { CREATED_AT_MS } from './log-columns.sql';
import type { OutboxEvent } from './outbox-event';
import type { OutboxRouting } from '../outbox/outbox-routing';

/**
 * The outbox write's two statements, for DeliveryLogRepository.insertPending only. An event
 * with at least one subscribed active webhook gets its idempotency key, its one events row
 * (the payload, stored once) and one pending log per webhook; the key's ON CONFLICT makes an
 * event id the tenant used before write nothing. Every row of one call shares now(), which is
 * how a log finds its event (and its day partition). The webhooks written for are locked FOR
 * KEY SHARE, as a foreign key check would: deleting one waits for the insert, then deletes its
 * logs too.
 *
 * Payload filters (contract §10) are evaluated in process, not here (outbox/outbox-routing.ts):
 * the statement gets the filters the process evaluated (ids and stored texts) and the filtered
 * webhooks that matched. A subscribed webhook whose filter is not among them (new or changed
 * since the process read it) is `stale`: then nothing at all is written and the statement
 * returns that webhook's id alone (a row without a log id), for the writer to read the filters
 * again and write once more.
 *
 * FIFO webhooks (contract §10) number their rows: `line` takes the next numbers from the
 * webhook's fifo_sequence, under its row lock, which is held until commit. A second writer for
 * the same webhook waits there and gets the numbers after these, so the order is the commit
 * order. The locks are taken in webhook id order (no deadlock between two writers), and only for
 * FIFO webhooks: for unordered ones `line` and `numbered` are empty and nothing else changes.
 */

const RETURNING = `RETURNING id, webhook_id AS "webhookId", tenant_id AS "tenantId", event_id AS "eventId",
  ${CREATED_AT_MS}, fifo_sequence::float8 AS "fifoSequence"`;

/** The logs written, then one row per stale webhook (no log id): never both. */
const WRITTEN_OR_STALE = `
  SELECT * FROM logs
  UNION ALL
  SELECT NULL::uuid, s.id, s.tenant_id, NULL::varchar, NULL::float8, NULL::float8 FROM stale s`;

/**
 * Subscribed webhooks whose filter this process did not evaluate; the known filters come as
 * parallel arrays of ids and texts ($known_ids, $known_texts).
 */
function staleOf(candidates: string, knownIds: string, knownTexts: string): string {
  return `
  stale AS (
    SELECT c.webhook_id AS id, c.tenant_id FROM ${candidates} c
     WHERE c.filter IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM unnest(${knownIds}::uuid[], ${knownTexts}::text[]) AS k(id, filter)
                        WHERE k.id = c.webhook_id AND k.filter = c.filter))`;
}

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
  WITH candidates AS (
    SELECT w.id AS webhook_id, w.tenant_id, w.ordering = 'fifo' AS fifo, w.filter::text AS filter
      FROM webhooks w
     WHERE w.tenant_id = $1::varchar AND w.is_active AND w.events && $5::text[]
       AND w.id IS DISTINCT FROM $6::uuid
     FOR KEY SHARE),
  ${staleOf('candidates', '$7', '$8')},
  targets AS (
    SELECT c.webhook_id AS id, c.fifo FROM candidates c
     WHERE (c.filter IS NULL OR c.webhook_id = ANY($9::uuid[])) AND NOT EXISTS (SELECT 1 FROM stale)),
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
  ${fifoLine('written')},
  logs AS (
    INSERT INTO webhook_logs (tenant_id, webhook_id, event_id, event_type, next_attempt_at, fifo_sequence)
    SELECT $1::varchar, t.webhook_id, $2::varchar, $3::varchar, now(), line.before + 1
      FROM written t LEFT JOIN line USING (webhook_id)
    ${RETURNING})
  ${WRITTEN_OR_STALE}`;

/**
 * Many events: the same statements over one array per column. Patterns travel joined by
 * commas (never part of an event type): arrays of arrays must be rectangular, and unnest()
 * would flatten them.
 */
const INSERT_MANY = `
  WITH e AS (
    SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::json[], $5::text[], $6::uuid[],
                         $7::text[])
                  WITH ORDINALITY
             AS e(tenant_id, event_id, event_type, payload, patterns, exclude_webhook_id, matched, position)),
  candidates AS (
    SELECT e.tenant_id, e.event_id, w.id AS webhook_id, w.ordering = 'fifo' AS fifo,
           w.filter::text AS filter, e.matched
      FROM e JOIN webhooks w ON w.tenant_id = e.tenant_id AND w.is_active
                            AND w.events && string_to_array(e.patterns, ',')
                            AND w.id IS DISTINCT FROM e.exclude_webhook_id
     FOR KEY SHARE OF w),
  ${staleOf('candidates', '$8', '$9')},
  targets AS (
    SELECT c.tenant_id, c.event_id, c.webhook_id, c.fifo FROM candidates c
     WHERE (c.filter IS NULL OR c.webhook_id::text = ANY(string_to_array(c.matched, ',')))
       AND NOT EXISTS (SELECT 1 FROM stale)),
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
      FROM fifo_written f JOIN line USING (webhook_id)),
  logs AS (
    INSERT INTO webhook_logs (tenant_id, webhook_id, event_id, event_type, next_attempt_at, fifo_sequence)
    SELECT t.tenant_id, t.webhook_id, t.event_id, e.event_type, now(), n.seq
      FROM targets t JOIN fresh USING (tenant_id, event_id) JOIN e USING (tenant_id, event_id)
      LEFT JOIN numbered n USING (tenant_id, event_id, webhook_id)
    ${RETURNING})
  ${WRITTEN_OR_STALE}`;

/**
 * The statement and its parameters for these events (distinct tenant and event id pairs) and
 * the filters evaluated for them.
 */
export function insertPendingStatement(
  events: readonly OutboxEvent[],
  routing: OutboxRouting,
): [string, unknown[]] {
  const { knownIds, knownTexts, matched } = routing;
  if (events.length === 1) {
    const { tenantId, eventId, eventType, payload, patterns, excludeWebhookId } = events[0];
    return [
      INSERT_ONE,
      [
        tenantId,
        eventId,
        eventType,
        payload,
        patterns,
        excludeWebhookId ?? null,
        knownIds,
        knownTexts,
        matched[0],
      ],
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
      // Webhook ids (uuids) hold no comma.
      matched.map((ids) => ids.join(',')),
      knownIds,
      knownTexts,
    ],
  ];
}
