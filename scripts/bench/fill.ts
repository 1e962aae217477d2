/**
 * Fills the delivery logs with finished deliveries quickly, in SQL (INSERT ... SELECT over
 * generate_series), whichever layout the database has: one webhook_logs table carrying each
 * payload, or day partitions of webhook_logs beside webhook_events (one row per event, its
 * payload) and webhook_event_keys (tenant-wide idempotency).
 */
import { DataSource } from 'typeorm';
import { DAY_MS } from '../../src/modules/webhooks/partitions/day-partitions';
import { DayPartitions } from '../../src/modules/webhooks/partitions/day-partitions.service';

const PAYLOAD =
  '{"id":"evt","type":"message.sent","timestamp":"2026-01-01T00:00:00Z","data":{"n":1}}';
/** Rows per statement in the unpartitioned layout, so no statement runs for minutes. */
const CHUNK = 200_000;

export interface Fill {
  tenantId: string;
  /** Every event goes to each of these webhooks: logs = events x webhooks. */
  webhookIds: string[];
  /** Events per day, on each of these UTC days (start of day, ms). */
  eventsPerDay: number;
  days: number[];
}

export async function isPartitioned(db: DataSource): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
      WHERE c.relname = 'webhook_logs' AND c.relnamespace = current_schema()::regnamespace`,
  );
  return rows.length > 0;
}

/** Writes the events and their final (`success`) logs; returns the log rows written. */
export async function fillFinished(db: DataSource, fill: Fill): Promise<number> {
  const partitioned = await isPartitioned(db);
  for (const day of fill.days) {
    if (partitioned) await fillPartitionedDay(db, fill, day);
    else await fillUnpartitionedDay(db, fill, day);
  }
  // Rows this old would long have been vacuumed; left to autovacuum, it would run during the
  // measurement that follows and be timed with it.
  const tables = partitioned ? 'webhook_logs, webhook_events, webhook_event_keys' : 'webhook_logs';
  await db.query(`VACUUM (ANALYZE) ${tables}`);
  return fill.days.length * fill.eventsPerDay * fill.webhookIds.length;
}

/** The day's events spread evenly over it; event ids say the day, so days never collide. */
function eventsOf(fill: Fill, day: number): [string, unknown[]] {
  const spacingMs = DAY_MS / (fill.eventsPerDay + 1);
  return [
    `SELECT 'evt_fill_${day.toString(36)}_' || g AS event_id,
            to_timestamp(${day / 1000}) + (g * ${spacingMs}) * interval '1 millisecond' AS at
       FROM generate_series(1, $2::int) AS g`,
    [fill.tenantId, fill.eventsPerDay],
  ];
}

async function fillPartitionedDay(db: DataSource, fill: Fill, day: number): Promise<void> {
  await new DayPartitions(db).ensureDays(day, day);
  const [events, params] = eventsOf(fill, day);
  await db.query(
    `INSERT INTO webhook_event_keys (tenant_id, event_id, created_at)
     SELECT $1, e.event_id, e.at FROM (${events}) e`,
    params,
  );
  await db.query(
    `INSERT INTO webhook_events (tenant_id, event_id, event_type, payload, created_at)
     SELECT $1, e.event_id, 'message.sent', '${PAYLOAD}', e.at FROM (${events}) e`,
    params,
  );
  await db.query(
    `INSERT INTO webhook_logs (tenant_id, webhook_id, event_id, event_type, status, attempt_count,
                               attempts, response_status, response_time_ms, created_at,
                               updated_at, completed_at)
     SELECT $1, w.id, e.event_id, 'message.sent', 'success', 1,
            '[{"attempt":1,"statusCode":200}]', 200, 3, e.at, e.at, e.at
       FROM (${events}) e, unnest($3::uuid[]) AS w(id)`,
    [...params, fill.webhookIds],
  );
}

async function fillUnpartitionedDay(db: DataSource, fill: Fill, day: number): Promise<void> {
  const spacingMs = DAY_MS / (fill.eventsPerDay + 1);
  for (let from = 1; from <= fill.eventsPerDay; from += CHUNK) {
    await db.query(
      `INSERT INTO webhook_logs (tenant_id, webhook_id, event_id, event_type, payload, status,
                                 attempt_count, attempts, response_status, response_time_ms,
                                 created_at, completed_at)
       SELECT $1, w.id, 'evt_fill_${day.toString(36)}_' || g, 'message.sent', '${PAYLOAD}',
              'success', 1, '[{"attempt":1,"statusCode":200}]', 200, 3,
              to_timestamp(${day / 1000}) + (g * ${spacingMs}) * interval '1 millisecond', now()
         FROM generate_series($2::int, $3::int) AS g, unnest($4::uuid[]) AS w(id)`,
      [fill.tenantId, from, Math.min(fill.eventsPerDay, from + CHUNK - 1), fill.webhookIds],
    );
  }
}
