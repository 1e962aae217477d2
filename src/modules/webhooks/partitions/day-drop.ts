import { QueryRunner } from 'typeorm';
import { queryRows } from '../database/query-rows';
import { CLAIMABLE_STATUSES, sqlList } from '../delivery-logs/delivery-log-status';
import { DayRange, PartitionedTable } from './day-partitions';

/** Pages of an events day whose idempotency keys one DELETE removes: short statements. */
const KEY_DELETE_PAGES = 200;

/**
 * The steps that drop one expired day, on one session (the caller holds the retention lock on
 * it). DETACH ... CONCURRENTLY runs outside a transaction and waits for the queries that could
 * still read the partition instead of blocking the parent table.
 */
export class DayDrop {
  constructor(private readonly session: QueryRunner) {}

  /**
   * Drops a day of logs once every delivery in it is final. The check is made again on the
   * detached table: a manual retry committed between the first check and the detach puts it
   * back (attached again), so no retried delivery is lost.
   */
  async dropLogs(table: PartitionedTable, range: DayRange): Promise<'dropped' | 'in-flight'> {
    // A leftover of a run cut short between its detach and its check is attached again too.
    if (await this.hasUnfinished(range.name)) {
      await this.attach(table, range);
      return 'in-flight';
    }
    await this.detach(table, range.name);
    if (await this.hasUnfinished(range.name)) {
      await this.attach(table, range);
      return 'in-flight';
    }
    await this.session.query(`DROP TABLE IF EXISTS ${range.name}`);
    return 'dropped';
  }

  /**
   * Drops a day of events after deleting their idempotency keys, a few pages of the day at a
   * time (TID ranges), each a short statement that finds its keys by primary key.
   */
  async dropEvents(table: PartitionedTable, range: DayRange): Promise<void> {
    const [{ pages }] = await queryRows<{ pages: number }>(
      this.session.manager,
      `SELECT (pg_relation_size($1::regclass) / current_setting('block_size')::int)::int AS pages`,
      [range.name],
    );
    for (let first = 0; first < pages; first += KEY_DELETE_PAGES) {
      await this.session.query(
        `DELETE FROM webhook_event_keys k
          USING (SELECT tenant_id, event_id, created_at FROM ${range.name}
                  WHERE ctid >= $1::tid AND ctid < $2::tid) e
          WHERE k.tenant_id = e.tenant_id AND k.event_id = e.event_id AND k.created_at = e.created_at`,
        [`(${first},0)`, `(${first + KEY_DELETE_PAGES},0)`],
      );
    }
    await this.detach(table, range.name);
    await this.session.query(`DROP TABLE IF EXISTS ${range.name}`);
  }

  private async hasUnfinished(partition: string): Promise<boolean> {
    const [row] = await queryRows<{ found: boolean }>(
      this.session.manager,
      `SELECT EXISTS (SELECT 1 FROM ${partition} WHERE status IN (${sqlList(CLAIMABLE_STATUSES)})) AS found`,
    );
    return row.found;
  }

  /** Detaches a partition; one left half-detached by a crash is finalized; a leftover is left. */
  private async detach(table: PartitionedTable, partition: string): Promise<void> {
    const [state] = await queryRows<{ pending: boolean }>(
      this.session.manager,
      `SELECT i.inhdetachpending AS pending FROM pg_inherits i
        WHERE i.inhparent = $1::regclass AND i.inhrelid = $2::regclass`,
      [table, partition],
    );
    if (!state) return;
    await this.session.query(
      `ALTER TABLE ${table} DETACH PARTITION ${partition} ${state.pending ? 'FINALIZE' : 'CONCURRENTLY'}`,
    );
  }

  /** Attaches a detached day table again (nothing when it is attached). */
  private async attach(table: PartitionedTable, range: DayRange): Promise<void> {
    const [{ attached }] = await queryRows<{ attached: boolean }>(
      this.session.manager,
      `SELECT relispartition AS attached FROM pg_class WHERE oid = $1::regclass`,
      [range.name],
    );
    if (attached) return;
    const from = range.fromMs === null ? 'MINVALUE' : `'${new Date(range.fromMs).toISOString()}'`;
    await this.session.query(
      `ALTER TABLE ${table} ATTACH PARTITION ${range.name}
         FOR VALUES FROM (${from}) TO ('${new Date(range.toMs).toISOString()}')`,
    );
  }
}
