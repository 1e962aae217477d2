import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/query-rows';
import { DayDrop } from './day-drop';
import {
  DAY_MS,
  DAYS_AHEAD,
  DayRange,
  dayPartitionName,
  EVENTS_TABLE,
  expiredRanges,
  LOGS_TABLE,
  missingDays,
  PARTITIONED_TABLES,
  PartitionedTable,
  partitionRange,
  startOfDay,
} from './day-partitions';

/** One creator at a time across processes; the others wait, then find the days there. */
const CREATE_LOCK_KEY = 727_002;
/** One retention run at a time across processes (and apps sharing the database). */
const DROP_LOCK_KEY = 727_003;
/** DDL that cannot get its lock at once gives up and is tried again by the next run. */
const LOCK_TIMEOUT = '2s';

export interface DroppedDays {
  /** Partitions dropped, logs and events. */
  dropped: string[];
  /** Expired log partitions kept because deliveries in them are not final yet. */
  inFlight: string[];
}

/**
 * Creates and drops the day partitions of webhook_logs and webhook_events. Neither ever takes a
 * lock that blocks triggerEvent or a delivery: a new day is created as a plain table and
 * attached (SHARE UPDATE EXCLUSIVE on the parent, which inserts and updates do not conflict
 * with), and an expired day is detached CONCURRENTLY before it is dropped. No foreign key
 * involves these tables, so no other table is locked either.
 */
@Injectable()
export class DayPartitions implements OnApplicationBootstrap {
  private readonly logger = new Logger(DayPartitions.name);

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Every process that triggers events checks the coming days at boot; the hourly maintenance
   * does it again. A failure here only logs: DAYS_AHEAD days are there already.
   */
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.ensureAhead();
    } catch (error) {
      this.logger.warn(`Could not create the coming day partitions: ${(error as Error).message}`);
    }
  }

  /** Today and DAYS_AHEAD days after it exist. */
  ensureAhead(nowMs = Date.now()): Promise<number> {
    return this.ensureDays(nowMs, nowMs + DAYS_AHEAD * DAY_MS);
  }

  /** Every day of [fromMs, toMs] has its partition in both tables; returns how many it made. */
  async ensureDays(fromMs: number, toMs: number): Promise<number> {
    return this.db.transaction(async (manager) => {
      await manager.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await manager.query('SELECT pg_advisory_xact_lock($1)', [CREATE_LOCK_KEY]);
      let created = 0;
      for (const table of PARTITIONED_TABLES) {
        const existing = await this.rangesOf(table, { leftovers: false, db: manager });
        for (const day of missingDays(existing, fromMs, toMs)) {
          const name = dayPartitionName(table, day);
          await manager.query(
            `CREATE TABLE ${name} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
          );
          await manager.query(
            `ALTER TABLE ${table} ATTACH PARTITION ${name}
               FOR VALUES FROM ('${new Date(day).toISOString()}') TO ('${new Date(day + DAY_MS).toISOString()}')`,
          );
          created++;
        }
      }
      if (created > 0) this.logger.log(`Created ${created} day partitions`);
      return created;
    });
  }

  /**
   * Whole days after today that both tables can take rows for without a gap (-1: not even
   * today), for the webhook_partition_days_ahead gauge.
   */
  async daysAhead(nowMs = Date.now()): Promise<number> {
    const today = startOfDay(nowMs);
    let ahead = Infinity;
    for (const table of PARTITIONED_TABLES) {
      const ranges = await this.rangesOf(table, { leftovers: false });
      const [gap] = missingDays(ranges, today, today + 365 * DAY_MS);
      ahead = Math.min(ahead, gap === undefined ? 365 : (gap - today) / DAY_MS - 1);
    }
    return ahead;
  }

  /**
   * Drops the days whose every row is older than `retentionDays`: the logs first, then the
   * idempotency keys of the day's events, then the events. A day whose logs are not all final
   * is kept (and reported) until they are. One run at a time across processes: a run that finds
   * another one going returns at once with nothing done.
   */
  async dropExpired(retentionDays: number, nowMs = Date.now()): Promise<DroppedDays> {
    const result: DroppedDays = { dropped: [], inFlight: [] };
    const session = this.db.createQueryRunner();
    await session.connect();
    try {
      const [{ locked }] = await session.query('SELECT pg_try_advisory_lock($1) AS locked', [
        DROP_LOCK_KEY,
      ]);
      if (!locked) return result;
      try {
        await this.dropWith(new DayDrop(session), retentionDays, nowMs, result);
      } finally {
        await session.query('SELECT pg_advisory_unlock($1)', [DROP_LOCK_KEY]);
      }
    } finally {
      await session.release();
    }
    if (result.inFlight.length > 0) {
      this.logger.warn(
        `Kept ${result.inFlight.join(', ')} past the retention: deliveries in them are not final yet`,
      );
    }
    return result;
  }

  private async dropWith(
    drop: DayDrop,
    retentionDays: number,
    nowMs: number,
    result: DroppedDays,
  ): Promise<void> {
    for (const range of expiredRanges(await this.rangesOf(LOGS_TABLE), nowMs, retentionDays)) {
      const outcome = await drop.dropLogs(LOGS_TABLE, range);
      (outcome === 'dropped' ? result.dropped : result.inFlight).push(range.name);
    }
    // An events day goes once its logs are gone; a crash between the steps is finished here.
    const keptLogs = await this.rangesOf(LOGS_TABLE);
    for (const range of expiredRanges(await this.rangesOf(EVENTS_TABLE), nowMs, retentionDays)) {
      if (keptLogs.some((log) => overlaps(log, range))) continue;
      await drop.dropEvents(EVENTS_TABLE, range);
      result.dropped.push(range.name);
    }
  }

  /**
   * The day tables of `table`: its partitions, and with `leftovers` also tables a crash left
   * detached but not dropped (retention drops them; they hold no day an insert needs).
   */
  async rangesOf(
    table: PartitionedTable,
    {
      leftovers = true,
      db = this.db,
    }: { leftovers?: boolean; db?: Pick<DataSource, 'query'> } = {},
  ): Promise<DayRange[]> {
    const rows = await queryRows<{ name: string }>(
      db as DataSource,
      `SELECT c.relname AS name FROM pg_class c
        WHERE c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = $1::regclass)
          AND c.relkind = 'r' AND c.relname LIKE $1 || '%'
          AND (c.relispartition OR $2::boolean)`,
      [table, leftovers],
    );
    return rows
      .map((row) => partitionRange(table, row.name))
      .filter((range): range is DayRange => range !== null);
  }
}

function overlaps(a: DayRange, b: DayRange): boolean {
  return (a.fromMs ?? -Infinity) < b.toMs && (b.fromMs ?? -Infinity) < a.toMs;
}
