import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/query-rows';
import { DeliveryStatus } from '../delivery-logs/delivery-log-status';
import { ListEventsQuery } from './dto/list-events.query';

export interface EventSummaryRow {
  eventId: string;
  eventType: string;
  createdAt: Date;
  deliveries: number;
}

/** A delivery as json_agg builds it: its completedAt is still Postgres's ISO text. */
export interface EventDeliveryRow {
  webhookId: string;
  webhookName: string;
  logId: string;
  status: DeliveryStatus;
  attemptCount: number;
  responseStatus: number | null;
  completedAt: string | null;
}

export interface EventDetailRow {
  eventId: string;
  eventType: string;
  createdAt: Date;
  payload: Record<string, unknown>;
  deliveries: EventDeliveryRow[];
}

/**
 * An event's logs, without an index on the logs' event_id: the tenant's webhooks, each looked
 * up on idx_webhook_logs_webhook_created at the event's exact created_at (which every log of
 * one trigger shares), in that one day's partition. `e` is the event's alias.
 */
const EVENT_LOGS = `
  FROM webhooks w
  JOIN webhook_logs l
    ON l.webhook_id = w.id AND l.created_at = e.created_at
   AND l.tenant_id = e.tenant_id AND l.event_id = e.event_id
 WHERE w.tenant_id = e.tenant_id`;

/** The tenant's stored events (webhook_events) with their deliveries. */
@Injectable()
export class EventHistoryRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * A page of the tenant's events, newest first, on idx_webhook_events_tenant_created (ties,
   * the events of one batch, by event id), each with how many logs it has. The page is cut
   * first, so logs are counted for its rows only, not for the rows OFFSET skips (whose cost
   * estimate alone, over every day partition, made Postgres JIT-compile a 10 ms query).
   */
  async list(
    tenantId: string,
    query: ListEventsQuery,
  ): Promise<{ rows: EventSummaryRow[]; total: number }> {
    const params: unknown[] = [tenantId];
    const conditions = ['e.tenant_id = $1'];
    const filter = (sql: string, value: unknown) => {
      params.push(value);
      conditions.push(sql.replace('?', `$${params.length}`));
    };
    if (query.eventType) filter('e.event_type = ?', query.eventType);
    if (query.from) filter('e.created_at >= ?', query.from);
    if (query.to) filter('e.created_at < ?', query.to);
    const where = conditions.join(' AND ');
    const [rows, [{ total }]] = await Promise.all([
      queryRows<EventSummaryRow>(
        this.db,
        `WITH page AS MATERIALIZED (
           SELECT e.tenant_id, e.event_id, e.event_type, e.created_at
             FROM webhook_events e
            WHERE ${where}
            ORDER BY e.created_at DESC, e.event_id
            LIMIT ${query.limit} OFFSET ${(query.page - 1) * query.limit})
         SELECT e.event_id AS "eventId", e.event_type AS "eventType", e.created_at AS "createdAt",
                (SELECT count(*)::int ${EVENT_LOGS}) AS deliveries
           FROM page e
          ORDER BY e.created_at DESC, e.event_id`,
        params,
      ),
      queryRows<{ total: number }>(
        this.db,
        `SELECT count(*)::int AS total FROM webhook_events e WHERE ${where}`,
        params,
      ),
    ]);
    return { rows, total };
  }

  /**
   * One event of the tenant with its payload and deliveries; null when it has none by that id.
   * The idempotency key says which day the event is in, so one partition is read; events
   * without a key (the test route's) are looked for in every day.
   */
  async findOne(tenantId: string, eventId: string): Promise<EventDetailRow | null> {
    const [row] = await queryRows<EventDetailRow>(
      this.db,
      `WITH key AS (
         SELECT created_at FROM webhook_event_keys WHERE tenant_id = $1 AND event_id = $2),
       event AS (
         (SELECT e.* FROM webhook_events e
           WHERE e.tenant_id = $1 AND e.event_id = $2
             AND e.created_at = (SELECT created_at FROM key))
         UNION ALL
         (SELECT e.* FROM webhook_events e
           WHERE e.tenant_id = $1 AND e.event_id = $2 AND NOT EXISTS (SELECT 1 FROM key)
           ORDER BY e.created_at DESC LIMIT 1))
       SELECT e.event_id AS "eventId", e.event_type AS "eventType", e.created_at AS "createdAt",
              e.payload,
              COALESCE((
                SELECT json_agg(json_build_object(
                         'webhookId', l.webhook_id, 'webhookName', w.name, 'logId', l.id,
                         'status', l.status, 'attemptCount', l.attempt_count,
                         'responseStatus', l.response_status, 'completedAt', l.completed_at)
                       ORDER BY w.name, l.id)
                ${EVENT_LOGS}), '[]') AS deliveries
         FROM event e
        LIMIT 1`,
      [tenantId, eventId],
    );
    return row ?? null;
  }
}
