import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DayPartitions } from '../../src/modules/webhooks/partitions/day-partitions.service';
import { DAY_MS } from '../../src/modules/webhooks/partitions/day-partitions';

export interface DeliveryRowsSpec {
  tenantId: string;
  webhookId: string;
  /** One event id for every row (count 1), or generated ones. */
  eventId?: string;
  eventType?: string;
  /** The envelope as JSON text. */
  payload?: string;
  status?: string;
  /** How long ago the rows were created, as a Postgres interval ('40 days'); default now. */
  age?: string;
  count?: number;
  /** Final rows get completed_at, others are due since they were created; by default from the status. */
  completed?: boolean;
  attemptCount?: number;
  id?: string;
}

export interface InsertedRow {
  id: string;
  createdAt: number;
  eventId: string;
}

/**
 * Delivery rows written with SQL the way the outbox writes them: the event (its payload once)
 * and its idempotency key, and the log joined to it by tenant, event id and created_at. Creates
 * the day partitions an `age` in the past needs.
 */
export async function insertDeliveryRows(
  db: DataSource,
  spec: DeliveryRowsSpec,
): Promise<InsertedRow[]> {
  const count = spec.count ?? 1;
  if (spec.age) {
    const [{ ms }] = await db.query(
      `SELECT (EXTRACT(EPOCH FROM now() - $1::interval) * 1000)::float8 AS ms`,
      [spec.age],
    );
    await new DayPartitions(db).ensureDays(ms - DAY_MS, Date.now());
  }
  const eventIds = Array.from({ length: count }, (_, index) =>
    spec.eventId && count === 1 ? spec.eventId : `${spec.eventId ?? 'evt'}_${index}_${randomUUID()}`,
  );
  return db.query(
    `WITH input AS (
       SELECT $1::varchar AS tenant_id, $2::uuid AS webhook_id, event_id, $4::varchar AS event_type,
              $5::json AS payload, now() - COALESCE($6::interval, '0') AS created_at
         FROM unnest($3::varchar[]) AS event_id),
     keys AS (
       INSERT INTO webhook_event_keys (tenant_id, event_id, created_at)
       SELECT tenant_id, event_id, created_at FROM input),
     events AS (
       INSERT INTO webhook_events (tenant_id, event_id, event_type, payload, created_at)
       SELECT tenant_id, event_id, event_type, payload, created_at FROM input)
     INSERT INTO webhook_logs (id, tenant_id, webhook_id, event_id, event_type, status, attempt_count,
                               next_attempt_at, completed_at, created_at)
     SELECT COALESCE($10::uuid, gen_random_uuid()), tenant_id, webhook_id, event_id, event_type, $7,
            $8, CASE WHEN $9 THEN NULL ELSE created_at END, CASE WHEN $9 THEN now() END, created_at
       FROM input
     RETURNING id, (EXTRACT(EPOCH FROM created_at) * 1000)::float8 AS "createdAt", event_id AS "eventId"`,
    [
      spec.tenantId,
      spec.webhookId,
      eventIds,
      spec.eventType ?? 'message.sent',
      spec.payload ?? '{}',
      spec.age ?? null,
      spec.status ?? 'pending',
      spec.attemptCount ?? 0,
      spec.completed ?? ['success', 'failed'].includes(spec.status ?? 'pending'),
      spec.id ?? null,
    ],
  );
}

/** The day partitions of the last `days` days exist, for rows a spec moves into the past. */
export async function ensurePastDays(db: DataSource, days: number): Promise<void> {
  await new DayPartitions(db).ensureDays(Date.now() - days * DAY_MS, Date.now());
}

/** A log's payload as stored (its event row), as JSON text. */
export async function storedPayload(db: DataSource, logId: string): Promise<string> {
  const [row] = await db.query(
    `SELECT e.payload::text AS payload FROM webhook_logs l
       JOIN webhook_events e
         ON e.tenant_id = l.tenant_id AND e.event_id = l.event_id AND e.created_at = l.created_at
      WHERE l.id = $1`,
    [logId],
  );
  return row.payload;
}
