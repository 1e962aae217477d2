import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import type { WebhookFormat } from '../routing/routing-settings';
import { preparedRows } from '../database/prepared-rows';
import { queryRows } from '../database/query-rows';
import { retryOnDeadlock } from '../database/retry-on-deadlock';
import { SENDING_LEASE_MS } from '../delivery/delivery-lifecycle';
import { ListLogsQuery } from './dto/list-logs.query';
import { RetryPolicy } from '../endpoints/retry-policy';
import { DeliveryAttempt, WebhookLog } from './webhook-log.entity';
import { Page } from '../http/pagination.dto';
import type { OutboxEvent } from './outbox-event';
import { MicroBatcher } from '../support/micro-batcher';
import { DeliveryRef } from '../delivery/webhook-queue';
import { WebhookEvent } from './webhook-event.entity';
import {
  CLAIMABLE_STATUSES,
  FINAL_STATUSES,
  sqlList,
  WAITING_STATUSES,
} from './delivery-log-status';
import { insertPendingStatement } from './pending-insert.sql';
import type { OutboxRouting } from '../outbox/outbox-routing';
import { CREATED_AT_MS, eventJoin } from './log-columns.sql';
import { fifoLineRows, inFifoTurn } from './fifo-line.sql';

const CLAIMABLE = sqlList(CLAIMABLE_STATUSES);
const FINAL = sqlList(FINAL_STATUSES);
const WAITING = sqlList(WAITING_STATUSES);

/** A claimed log joined with its webhook, secrets still encrypted. */
export interface ClaimRow {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  body: string;
  attempt_count: number;
  retry_base: number;
  created_at: Date;
  url: string;
  headers: Record<string, string>;
  retry_policy: RetryPolicy;
  timeout_ms: number;
  is_active: boolean;
  format: WebhookFormat;
  template: string | null;
  secret: string;
  previous_secret: string | null;
  /** Its place in a FIFO webhook's line (bigint as text); null when unordered. */
  fifo_sequence: string | null;
}

export interface AttemptRecord extends DeliveryAttempt {
  responseBody: string | null;
}

export interface WebhookHealth {
  consecutiveFailures: number;
  failingSince: Date | null;
}

/** A log row locked for recording its outcome: what the operational events report. */
export interface LockedLog {
  tenantId: string;
  status: string;
  attemptCount: number;
  /** attempt_count when its round of the retry policy began: a round's identity. */
  retryBase: number;
}

/** A webhook this call disabled, as `webhook.disabled` reports it. */
export interface DisabledWebhook {
  tenantId: string;
  name: string;
  url: string;
  /** When it was disabled (epoch ms of updated_at): the disable's identity. */
  disabledAtMs: number;
}

/**
 * Which log row: its id and its partition key (created_at in epoch ms) when known. Without the
 * key a statement looks in every day partition; with it, in the row's day only.
 */
export interface LogKey {
  id: string;
  createdAt?: number;
}

/** A due row as the relay pages through them. */
export interface OverdueRow extends DeliveryRef {
  /** next_attempt_at as Postgres prints it: exact to the microsecond, for the page's cursor. */
  dueAt: string;
}

/** A row the outbox wrote, with the event it belongs to. */
export interface WrittenDelivery extends DeliveryRef {
  tenantId: string;
  eventId: string;
}

export interface DeliveryStats {
  total: number;
  successful: number;
  failed: number;
  pending: number;
  average: string | null;
  p95: number | null;
}

/** One bucket of a webhook's delivery time series, as Postgres computes it. */
export interface TimeseriesRow {
  start: Date;
  successful: number;
  failed: number;
  p50: number | null;
  p95: number | null;
}

interface SuccessRecord {
  log: LogKey;
  attempt: AttemptRecord;
}

/**
 * Every statement that reads or writes webhook_logs, and so the one place its statuses move
 * (delivery-log-status.ts). The services decide which move to make; this stores it. Each
 * outcome is one statement that updates the log and the webhook's counters together, with
 * in-place increments so concurrent workers never lose an update; claims and successes, the
 * two per-delivery statements, are batched across concurrent deliveries. Every query a tenant
 * reaches filters on its tenant id.
 */
@Injectable()
export class DeliveryLogRepository {
  constructor(@InjectDataSource() private readonly db: DataSource | EntityManager) {}

  private readonly claims = new MicroBatcher<LogKey, ClaimRow | null>((keys) =>
    retryOnDeadlock(() => this.claimMany(keys)),
  );
  private readonly successes = new MicroBatcher<SuccessRecord, void>((records) =>
    retryOnDeadlock(() => this.recordSuccesses(records)),
  );

  /** The same statements inside a caller's transaction. */
  static within(manager: DataSource | EntityManager): DeliveryLogRepository {
    return new DeliveryLogRepository(manager);
  }

  /** Runs `work` in one transaction, with a repository bound to it. */
  transaction<T>(work: (logs: DeliveryLogRepository) => Promise<T>): Promise<T> {
    return this.db.transaction((manager) => work(DeliveryLogRepository.within(manager)));
  }

  // --- The outbox ---

  /**
   * One pending row per event and subscribed active webhook, in one statement; an explicit
   * event id the tenant has used before writes nothing.
   */
  insertPending(
    events: readonly OutboxEvent[],
    routing: OutboxRouting,
  ): Promise<WrittenDelivery[]> {
    return preparedRows<WrittenDelivery>(this.db, ...insertPendingStatement(events, routing));
  }

  /**
   * The test route's event and row: pending, for the one attempt the route makes at once; null
   * when the webhook is gone. Its generated event id needs no idempotency key.
   */
  async insertTest(
    tenantId: string,
    webhookId: string,
    eventId: string,
    eventType: string,
    payload: string,
  ): Promise<LogKey | null> {
    // The body as built, verbatim: the json column keeps it byte for byte for signing.
    const [log] = await queryRows<Required<LogKey>>(
      this.db,
      `WITH target AS (
         SELECT id FROM webhooks WHERE id = $2 AND tenant_id = $1 FOR KEY SHARE),
       stored AS (
         INSERT INTO webhook_events (tenant_id, event_id, event_type, payload)
         SELECT $1, $3, $4, $5::json FROM target)
       INSERT INTO webhook_logs (tenant_id, webhook_id, event_id, event_type, status, next_attempt_at)
       SELECT $1, id, $3, $4, 'pending', now() FROM target
       RETURNING id, ${CREATED_AT_MS}`,
      [tenantId, webhookId, eventId, eventType, payload],
    );
    return log ?? null;
  }

  /** Holds the transaction-scoped advisory lock `key`; false when another session has it. */
  async tryLock(key: number): Promise<boolean> {
    const [{ locked }] = await queryRows<{ locked: boolean }>(
      this.db,
      'SELECT pg_try_advisory_xact_lock($1) AS locked',
      [key],
    );
    return locked;
  }

  /**
   * Claimable rows due for longer than `graceMs`, oldest first (on idx_webhook_logs_due);
   * `ids` limits them to those rows, `after` starts after that row (paging). Of a FIFO
   * webhook's line only the head is due: what waits behind it needs no job yet.
   */
  overdue(
    graceMs: number,
    limit: number,
    ids: string[] | null = null,
    after: OverdueRow | null = null,
  ): Promise<OverdueRow[]> {
    return queryRows<OverdueRow>(
      this.db,
      `SELECT id, webhook_id AS "webhookId", ${CREATED_AT_MS}, next_attempt_at::text AS "dueAt",
              fifo_sequence::float8 AS "fifoSequence"
         FROM webhook_logs
        WHERE status IN (${CLAIMABLE})
          AND next_attempt_at < now() - interval '${graceMs} milliseconds'
          AND ($1::uuid[] IS NULL OR id = ANY($1::uuid[]))
          AND ($2::timestamptz IS NULL OR (next_attempt_at, id) > ($2, $3::uuid))
          AND ${inFifoTurn('webhook_logs')}
        ORDER BY next_attempt_at, id
        LIMIT ${limit}`,
      [ids, after?.dueAt ?? null, after?.id ?? null],
    );
  }

  /**
   * Age in seconds of the oldest due row no worker holds (0: none); on idx_webhook_logs_due.
   * Rows waiting behind the head of a FIFO line are not due: a long line is not a lag.
   */
  async oldestWaitingAgeSeconds(): Promise<number> {
    const [row] = await queryRows<{ lag: number }>(
      this.db,
      `SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(next_attempt_at)), 0)::float8 AS lag
         FROM webhook_logs
        WHERE status IN (${WAITING}) AND next_attempt_at <= now() AND ${inFifoTurn('webhook_logs')}`,
    );
    return Number(row.lag);
  }

  // --- A delivery attempt ---

  /**
   * Moves a claimable row to `sending`, counts the attempt and leases it for SENDING_LEASE_MS;
   * null when the row is gone or final, or waits in a FIFO line (see waitsInFifoLine). Batched:
   * one statement for concurrent claims.
   */
  claim(log: LogKey): Promise<ClaimRow | null> {
    return this.claims.add(log);
  }

  /**
   * After a claim found nothing: whether the row is unfinished in a FIFO line, so the claim
   * left it because another delivery of its webhook goes first.
   */
  async waitsInFifoLine(log: LogKey): Promise<boolean> {
    const rows = await preparedRows(
      this.db,
      `SELECT 1 FROM webhook_logs l WHERE l.id = $1 AND ${IN_DAY_OF(2)} AND ${fifoLineRows('l')}`,
      [log.id, ...dayBounds([log])],
    );
    return rows.length > 0;
  }

  /**
   * The head of a FIFO webhook's line when it is pending, so needs a job: the unfinished
   * delivery with the lowest number. Null when the line is empty, its head is already being
   * sent or retried (it has its job), or the webhook is not FIFO (nothing waits in line then).
   */
  async fifoHead(webhookId: string): Promise<DeliveryRef | null> {
    const [head] = await preparedRows<DeliveryRef & { pending: boolean }>(
      this.db,
      `SELECT l.id, l.webhook_id AS "webhookId", ${CREATED_AT_MS},
              l.fifo_sequence::float8 AS "fifoSequence", l.status = 'pending' AS pending
         FROM webhook_logs l
        WHERE l.webhook_id = $1 AND ${fifoLineRows('l')}
          AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = $1 AND w.ordering = 'fifo')
        ORDER BY l.fifo_sequence
        LIMIT 1`,
      [webhookId],
    );
    if (!head?.pending) return null;
    return { id: head.id, webhookId, createdAt: head.createdAt, fifoSequence: head.fifoSequence };
  }

  /** sending → success, and the webhook's counters with it. Batched like claims. */
  recordSuccess(log: LogKey, attempt: AttemptRecord): Promise<void> {
    return this.successes.add({ log, attempt });
  }

  /** sending → retrying, due again after `delayMs`. */
  async recordRetry(log: LogKey, attempt: AttemptRecord, delayMs: number): Promise<void> {
    await preparedRows(
      this.db,
      `WITH log AS (
         UPDATE webhook_logs
            SET status = 'retrying', attempts = attempts || $2::jsonb, response_status = $3,
                response_body = $4, response_time_ms = $5, error_message = $6,
                next_attempt_at = now() + $7 * interval '1 millisecond', updated_at = now()
          WHERE id = $1 AND ${IN_DAY_OF(8)}
          RETURNING webhook_id, created_at)
       UPDATE webhooks w
          SET last_triggered_at = GREATEST(last_triggered_at, log.created_at)
         FROM log WHERE w.id = log.webhook_id`,
      [...attemptParams(log.id, attempt), delayMs, ...dayBounds([log])],
    );
  }

  /**
   * sending → failed, counted against the webhook (`attempt` null: given up without a send,
   * the claim's count undone); returns the webhook's failure streak for the auto-disable rule.
   */
  async recordFailure(
    log: LogKey,
    attempt: AttemptRecord | null,
    error: string,
  ): Promise<WebhookHealth | null> {
    const rows = await preparedRows<{ consecutive_failures: number; failing_since: Date | null }>(
      this.db,
      `WITH log AS (
         UPDATE webhook_logs
            SET status = 'failed', attempts = attempts || $2::jsonb,
                response_status = COALESCE($3, response_status),
                response_body = COALESCE($4, response_body),
                response_time_ms = COALESCE($5, response_time_ms), error_message = $6,
                attempt_count = attempt_count - $7, next_attempt_at = NULL,
                completed_at = now(), updated_at = now()
          WHERE id = $1 AND ${IN_DAY_OF(8)}
          RETURNING webhook_id, created_at)
       UPDATE webhooks w
          SET total_deliveries = total_deliveries + 1,
              failed_deliveries = failed_deliveries + 1,
              consecutive_failures = consecutive_failures + 1,
              failing_since = COALESCE(failing_since, now()), last_failure_at = now(),
              last_triggered_at = GREATEST(last_triggered_at, log.created_at)
         FROM log WHERE w.id = log.webhook_id
       RETURNING w.consecutive_failures, w.failing_since`,
      [
        ...(attempt
          ? [...attemptParams(log.id, attempt).slice(0, 5), error, 0]
          : [log.id, '[]', null, null, null, error, 1]),
        ...dayBounds([log]),
      ],
    );
    const row = rows[0];
    return row
      ? { consecutiveFailures: row.consecutive_failures, failingSince: row.failing_since }
      : null;
  }

  /** sending → failed, without an attempt and without counting against the webhook (not sent). */
  async recordSkipped(log: LogKey, reason: string): Promise<void> {
    await this.db.query(
      `UPDATE webhook_logs
          SET status = 'failed', error_message = $2, attempt_count = attempt_count - 1,
              next_attempt_at = NULL, completed_at = now(), updated_at = now()
        WHERE id = $1 AND ${IN_DAY_OF(3)}`,
      [log.id, reason, ...dayBounds([log])],
    );
  }

  /** A row waiting for its rate-limit slot is due at it: the relay must not think its job lost. */
  async postpone(log: LogKey, until: Date): Promise<void> {
    await preparedRows(
      this.db,
      `UPDATE webhook_logs SET next_attempt_at = $2
        WHERE id = $1 AND ${IN_DAY_OF(3)} AND status IN (${WAITING})`,
      [log.id, until, ...dayBounds([log])],
    );
  }

  /**
   * Disables an active webhook; the webhook when this call did it (so the reason is logged and
   * reported once), null when it was not active.
   */
  async disableWebhook(webhookId: string, reason: string): Promise<DisabledWebhook | null> {
    const [row] = await queryRows<DisabledWebhook>(
      this.db,
      `UPDATE webhooks SET is_active = false, disabled_reason = $2, updated_at = now()
        WHERE id = $1 AND is_active
        RETURNING tenant_id AS "tenantId", name, url,
                  floor(EXTRACT(EPOCH FROM updated_at) * 1000)::float8 AS "disabledAtMs"`,
      [webhookId, reason],
    );
    return row ?? null;
  }

  /**
   * Locks the log row until the transaction ends, before its outcome is recorded: a second
   * recording of the same outcome waits, then finds it final. Null when the row is gone.
   */
  async lockForOutcome(log: LogKey): Promise<LockedLog | null> {
    const [row] = await queryRows<LockedLog>(
      this.db,
      `SELECT tenant_id AS "tenantId", status, attempt_count AS "attemptCount",
              retry_base AS "retryBase"
         FROM webhook_logs WHERE id = $1 AND ${IN_DAY_OF(2)}
          FOR UPDATE`,
      [log.id, ...dayBounds([log])],
    );
    return row ?? null;
  }

  // --- A tenant's logs ---

  /** A page of the webhook's logs, newest first, each with its event (the payload). */
  async list(tenantId: string, webhookId: string, query: ListLogsQuery): Promise<Page<WebhookLog>> {
    const matching = this.db
      .getRepository(WebhookLog)
      .createQueryBuilder('log')
      .where('log.webhook_id = :webhookId AND log.tenant_id = :tenantId', { webhookId, tenantId });
    if (query.status) matching.andWhere('log.status = :status', { status: query.status });
    if (query.eventType)
      matching.andWhere('log.event_type = :eventType', { eventType: query.eventType });
    if (query.from) matching.andWhere('log.created_at >= :from', { from: query.from });
    if (query.to) matching.andWhere('log.created_at < :to', { to: query.to });
    // The page is chosen on the logs alone (the index's order), then only its rows are joined
    // to their events: joining first would read an event for every matching log (100,000 logs:
    // about 250 ms instead of 1). The count needs no join either.
    const [page, total] = await Promise.all([
      matching
        .clone()
        .select(['log.id', 'log.createdAt'])
        .orderBy('log.created_at', 'DESC')
        .addOrderBy('log.id', 'DESC')
        .offset((query.page - 1) * query.limit)
        .limit(query.limit)
        .getMany(),
      matching.getCount(),
    ]);
    const data =
      page.length === 0
        ? []
        : await withEvent(
            this.db
              .getRepository(WebhookLog)
              .createQueryBuilder('log')
              .where(
                'log.id IN (:...ids) AND log.webhook_id = :webhookId AND log.tenant_id = :tenantId',
                {
                  ids: page.map((log) => log.id),
                  webhookId,
                  tenantId,
                },
              )
              // The page's day partitions only; ±1 ms, as Dates drop Postgres's microseconds.
              .andWhere('log.created_at BETWEEN :oldest AND :newest', {
                oldest: new Date(page[page.length - 1].createdAt.getTime() - 1),
                newest: new Date(page[0].createdAt.getTime() + 1),
              }),
          )
            .orderBy('log.created_at', 'DESC')
            .addOrderBy('log.id', 'DESC')
            .getMany();
    return { data, meta: { page: query.page, limit: query.limit, total } };
  }

  findOne(tenantId: string, webhookId: string, logId: string): Promise<WebhookLog | null> {
    return withEvent(
      this.db
        .getRepository(WebhookLog)
        .createQueryBuilder('log')
        .where('log.id = :logId AND log.webhook_id = :webhookId AND log.tenant_id = :tenantId', {
          logId,
          webhookId,
          tenantId,
        }),
    ).getOne();
  }

  /** final → pending: the one delivery, if it is final. */
  retryOne(tenantId: string, webhookId: string, logId: string): Promise<DeliveryRef[]> {
    return this.markPending(tenantId, webhookId, `id = $3 AND status IN (${FINAL})`, logId);
  }

  /** failed → pending: every failed delivery of the webhook created since `since`. */
  recoverFailed(tenantId: string, webhookId: string, since: Date): Promise<DeliveryRef[]> {
    return this.markPending(tenantId, webhookId, `status = 'failed' AND created_at >= $3`, since);
  }

  /** The webhook's counts by status and response times over its logs since `interval` ago. */
  async stats(
    tenantId: string,
    webhookId: string,
    interval: string | null,
  ): Promise<DeliveryStats> {
    const [row] = await queryRows<DeliveryStats>(
      this.db,
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE status = 'success')::int AS successful,
              count(*) FILTER (WHERE status = 'failed')::int AS failed,
              count(*) FILTER (WHERE status IN (${CLAIMABLE}))::int AS pending,
              avg(response_time_ms) AS average,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY response_time_ms) AS p95
         FROM webhook_logs
        WHERE webhook_id = $1 AND tenant_id = $2
          AND ($3::interval IS NULL OR created_at >= now() - $3::interval)`,
      [webhookId, tenantId, interval],
    );
    return row;
  }

  /**
   * The webhook's finished deliveries in `count` buckets of `bucketSeconds`, oldest first, the
   * last one holding now. Buckets are aligned to multiples of their size since the Unix epoch
   * (so to UTC hours, 6-hour blocks and days) and come from generate_series, so empty ones are
   * rows too. A delivery counts in the bucket it was created in (created_at: the partition key
   * and the indexed column), by its status now; pending and retrying ones count in neither.
   * Sizes are whole seconds, never days: a day interval would follow the session's time zone.
   * The logs are aggregated per bucket before the join (one sort, both percentiles from it),
   * so the join meets at most `count` rows.
   */
  timeseries(
    tenantId: string,
    webhookId: string,
    bucketSeconds: number,
    count: number,
  ): Promise<TimeseriesRow[]> {
    return queryRows<TimeseriesRow>(
      this.db,
      `WITH per_bucket AS (
         SELECT date_bin($3::interval, created_at, timestamptz 'epoch') AS start,
                count(*) FILTER (WHERE status = 'success')::int AS successful,
                count(*) FILTER (WHERE status = 'failed')::int AS failed,
                percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY response_time_ms) AS pct
           FROM webhook_logs
          WHERE webhook_id = $1 AND tenant_id = $2 AND status IN ('success', 'failed')
            AND created_at >= date_bin($3::interval, now(), timestamptz 'epoch') - ($4 - 1) * $3::interval
          GROUP BY 1)
       SELECT b.start, COALESCE(p.successful, 0) AS successful, COALESCE(p.failed, 0) AS failed,
              p.pct[1] AS p50, p.pct[2] AS p95
         FROM generate_series(
                date_bin($3::interval, now(), timestamptz 'epoch') - ($4 - 1) * $3::interval,
                date_bin($3::interval, now(), timestamptz 'epoch'),
                $3::interval) AS b(start)
         LEFT JOIN per_bucket p ON p.start = b.start
        ORDER BY b.start`,
      [webhookId, tenantId, `${bucketSeconds} seconds`, count],
    );
  }

  /**
   * One statement for the whole batch of claims. "Not final" rather than "claimable" (the same
   * rows, by the status check): the latter matches idx_webhook_logs_due's predicate, and with a
   * day's statistics taken while its rows were final, the planner reads that index (every due
   * row of the day) instead of looking the ids up.
   */
  private async claimMany(keys: LogKey[]): Promise<Array<ClaimRow | null>> {
    const rows = await preparedRows<ClaimRow>(
      this.db,
      `WITH claimed AS (
         UPDATE webhook_logs
            SET status = 'sending', attempt_count = attempt_count + 1,
                next_attempt_at = now() + interval '${SENDING_LEASE_MS} milliseconds', updated_at = now()
          WHERE id = ANY($1::uuid[]) AND ${IN_DAY_OF(2)} AND status NOT IN (${FINAL})
            AND ${inFifoTurn('webhook_logs')}
          RETURNING id, tenant_id, webhook_id, event_id, event_type, attempt_count, retry_base, created_at,
                    fifo_sequence)
       SELECT l.id, l.webhook_id, l.event_id, l.event_type, l.attempt_count, l.retry_base, l.created_at,
              l.fifo_sequence,
              e.payload::text AS body, w.url, w.headers, w.retry_policy, w.timeout_ms, w.is_active,
              w.format, w.template, w.secret,
              CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret END AS previous_secret
         FROM claimed l
         JOIN webhooks w ON w.id = l.webhook_id
         JOIN webhook_events e ON ${eventJoin('l', 'e')} AND e.created_at >= $2 AND e.created_at < $3`,
      [keys.map((key) => key.id), ...dayBounds(keys)],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return keys.map((key) => byId.get(key.id) ?? null);
  }

  /**
   * Many successes in one statement: each log row, then one counter update per webhook (so
   * a busy endpoint's row is locked once per batch, not once per delivery). Batches of one
   * process run one at a time; a deadlock between processes' batches is retried.
   */
  private async recordSuccesses(records: SuccessRecord[]): Promise<void[]> {
    const input = records.map(({ log, attempt: { responseBody, ...entry } }) => ({
      id: log.id,
      attempt: entry,
      status: entry.statusCode,
      body: responseBody,
      ms: entry.responseTimeMs,
    }));
    await preparedRows(
      this.db,
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(id uuid, attempt jsonb, status int, body text, ms int)),
       log AS (
         UPDATE webhook_logs l
            SET status = 'success', attempts = l.attempts || jsonb_build_array(i.attempt),
                response_status = i.status, response_body = i.body, response_time_ms = i.ms,
                error_message = NULL, next_attempt_at = NULL, completed_at = now(), updated_at = now()
           FROM input i
          WHERE l.id = i.id AND l.id = ANY($4::uuid[]) AND l.created_at >= $2 AND l.created_at < $3
          RETURNING l.webhook_id, l.created_at),
       per_webhook AS (
         SELECT webhook_id, count(*)::int AS n, max(created_at) AS last_created FROM log GROUP BY webhook_id)
       UPDATE webhooks w
          SET total_deliveries = total_deliveries + p.n,
              successful_deliveries = successful_deliveries + p.n,
              consecutive_failures = 0, failing_since = NULL, last_success_at = now(),
              last_triggered_at = GREATEST(last_triggered_at, p.last_created)
         FROM per_webhook p
        WHERE w.id = p.webhook_id`,
      // The id list besides the joined input: with the partition's statistics, the planner
      // would otherwise read the day's rows by time and hash-join them (thousands of rows).
      [
        JSON.stringify(input),
        ...dayBounds(records.map((record) => record.log)),
        records.map((record) => record.log.id),
      ],
    );
    return records.map(() => undefined);
  }

  /**
   * Puts the webhook's deliveries matching `condition` back to pending, due now, with a fresh
   * round of the retry policy. `condition` is a constant SQL fragment whose only parameter is
   * `value`, as $3; never build it from input. A FIFO webhook's deliveries go to the back of its
   * line, in their old order, numbered under its row lock as the outbox numbers new ones; an
   * unordered webhook's lose any number they had.
   */
  private markPending(
    tenantId: string,
    webhookId: string,
    condition: string,
    value: unknown,
  ): Promise<DeliveryRef[]> {
    return queryRows<DeliveryRef>(
      this.db,
      `WITH picked AS (
         SELECT id AS picked_id, created_at AS picked_at,
                row_number() OVER (ORDER BY fifo_sequence, created_at, id) AS place
           FROM webhook_logs
          WHERE webhook_id = $1 AND tenant_id = $2 AND ${condition}),
       line AS (
         UPDATE webhooks SET fifo_sequence = fifo_sequence + (SELECT count(*) FROM picked)
          WHERE id = $1 AND tenant_id = $2 AND ordering = 'fifo' AND EXISTS (SELECT 1 FROM picked)
          RETURNING fifo_sequence - (SELECT count(*) FROM picked) AS before)
       UPDATE webhook_logs
          SET status = 'pending', retry_base = attempt_count, next_attempt_at = now(),
              completed_at = NULL, updated_at = now(),
              fifo_sequence = (SELECT before FROM line) + picked.place
         FROM picked
        WHERE id = picked.picked_id AND created_at = picked.picked_at
          AND webhook_id = $1 AND tenant_id = $2 AND ${condition}
        RETURNING id, webhook_id AS "webhookId", ${CREATED_AT_MS}, fifo_sequence::float8 AS "fifoSequence"`,
      [webhookId, tenantId, value],
    );
  }
}

/** `created_at` within the day bounds given as parameters $n and $n+1 (see dayBounds). */
function IN_DAY_OF(n: number): string {
  return `created_at >= $${n} AND created_at < $${n + 1}`;
}

/**
 * Bounds around the rows' created_at, so Postgres looks in their day partitions only; a row
 * whose created_at is unknown (a job queued before jobs carried it) widens them to every day.
 * Epoch ms have lost the microseconds: a millisecond of slack each side.
 */
function dayBounds(keys: readonly LogKey[]): [string, string] {
  const known = keys.map((key) => key.createdAt);
  if (known.some((ms) => ms === undefined)) return ['-infinity', 'infinity'];
  const ms = known as number[];
  return [
    new Date(Math.floor(Math.min(...ms)) - 1).toISOString(),
    new Date(Math.floor(Math.max(...ms)) + 2).toISOString(),
  ];
}

function attemptParams(logId: string, attempt: AttemptRecord) {
  const { responseBody, ...entry } = attempt;
  return [
    logId,
    JSON.stringify([entry]),
    attempt.statusCode,
    responseBody,
    attempt.responseTimeMs,
    attempt.error,
  ];
}

/** Joins each log's event, whose payload the routes show. */
function withEvent(builder: SelectQueryBuilder<WebhookLog>): SelectQueryBuilder<WebhookLog> {
  return builder.innerJoinAndMapOne('log.event', WebhookEvent, 'event', eventJoin('log', 'event'));
}
