import { randomUUID } from 'node:crypto';
import { LogRetentionProcessor } from '../../src/modules/webhooks/retention/log-retention.processor';
import type { BenchContext } from './bench-app';
import { runInChild } from './child-run';
import { DAY_MS, dayPartitionName } from '../../src/modules/webhooks/partitions/day-partitions';
import { fillFinished, isPartitioned } from './fill';
import { LedgerSize, ledgerScenario } from './ledger-scenario';
import { Scenario } from './report';

export interface PartitionSize {
  rows: number;
  days: number;
  /** Events of each scenario-1 run. */
  events: number;
  ledger: LedgerSize;
}

const LABEL = '9. partitions: ';
/** The child's retention: the filled days end two days ago, so exactly the oldest is past it. */
const RETENTION_DAYS = 30;
/** Webhooks of the filled tenant: each filled event has a log for each. */
const FILL_ENDPOINTS = 4;
/** The ledger run the retention drop happens in, and when. */
const DROP_RUN_SECONDS = 20;
const DROP_AT_SECOND = 8;
/** A delivery scheduled while the drop ran counts as delayed past this. */
const DELAYED_OVER_MS = 250;

/**
 * Scenario 9 (full run): scenario 1 on empty tables, then on ~10 million finished log rows
 * spread over 30 daily partitions, then a ledger run during which the module's retention run
 * drops the oldest day: its time, and the deliveries that failed or lagged meanwhile. Runs in
 * a process of its own (a fresh database, the retention fixed), once webhook_logs is
 * partitioned. `--scenarios partitions-body` runs the body in any layout, in this process: on
 * the unpartitioned one the retention deletes the day's rows, which makes the before figure.
 */
export async function partitionScenario(
  context: BenchContext,
  flags: string[],
): Promise<Scenario[]> {
  if (!(await isPartitioned(context.db)))
    return [
      {
        name: `${LABEL}skipped`,
        kind: 'skipped',
        detail: { skipped: 'webhook_logs is not partitioned by day in this tree' },
      },
    ];
  return runInChild(
    ['partitions-body'],
    { WEBHOOK_LOG_RETENTION_DAYS: String(RETENTION_DAYS) },
    LABEL,
    flags,
  );
}

/** The scenario itself, in its own benchmark process. */
export async function partitionBody(
  context: BenchContext,
  throughput: (name: string, events: number) => Promise<Scenario>,
  size: PartitionSize,
): Promise<Scenario[]> {
  const empty = await throughput('throughput, 1 endpoint, empty tables', size.events);

  const tenantId = randomUUID();
  const webhookIds: string[] = [];
  for (let i = 0; i < FILL_ENDPOINTS; i++) webhookIds.push(await context.endpoint(tenantId));
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  // Days today-31 .. today-2: the oldest is wholly past a 30-day retention, the next is not.
  const days = Array.from({ length: size.days }, (_, i) => today - (size.days + 1 - i) * DAY_MS);
  const eventsPerDay = Math.ceil(size.rows / size.days / FILL_ENDPOINTS);
  const fillStarted = performance.now();
  const rows = await fillFinished(context.db, { tenantId, webhookIds, eventsPerDay, days });
  const fillSeconds = (performance.now() - fillStarted) / 1000;

  const full = await throughput(
    `throughput, 1 endpoint, ${rows.toLocaleString('en-US')} log rows in ${size.days} days`,
    size.events,
  );
  full.detail = {
    ...full.detail,
    'change vs empty': `${(((full.perSecond! - empty.perSecond!) / empty.perSecond!) * 100).toFixed(1)}%`,
    'fill s': +fillSeconds.toFixed(1),
  };

  const oldest = dayPartitionName('webhook_logs', days[0]);
  const partitioned = await isPartitioned(context.db);
  const before = await partitionsOf(context);
  const oldestRows = await rowsOfDay(context, days[0]);
  const retention = context.app.get(LogRetentionProcessor);
  const drop = await ledgerScenario(
    context,
    { ratePerSecond: size.ledger.ratePerSecond, seconds: DROP_RUN_SECONDS },
    {
      name: `exact ledger at ${size.ledger.ratePerSecond}/s, retention drops the oldest day at ${DROP_AT_SECOND} s`,
      during: { name: 'retention', atSecond: DROP_AT_SECOND, action: () => retention.process() },
      delayedOverMs: DELAYED_OVER_MS,
    },
  );
  const after = new Set(await partitionsOf(context));
  const dropped = before.filter((name) => !after.has(name));
  const left = await rowsOfDay(context, days[0]);
  drop.detail = {
    ...drop.detail,
    'oldest day rows before/after': `${oldestRows}/${left}`,
    'partitions dropped': dropped.join(' ') || 'none',
  };
  // Without partitions (the layout before them) the retention deletes the day's rows instead.
  const problem = partitioned
    ? !dropped.includes(oldest) && `the retention run did not drop ${oldest}`
    : left > 0 && `the retention run left ${left} rows of the oldest day`;
  if (problem) drop.void = [...(drop.void ?? []), problem];
  return [empty, full, drop];
}

async function rowsOfDay(context: BenchContext, day: number): Promise<number> {
  const [{ rows }] = await context.db.query(
    `SELECT count(*)::int AS rows FROM webhook_logs WHERE created_at >= $1 AND created_at < $2`,
    [new Date(day), new Date(day + DAY_MS)],
  );
  return rows;
}

async function partitionsOf(context: BenchContext): Promise<string[]> {
  const rows: Array<{ name: string }> = await context.db.query(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent IN (SELECT oid FROM pg_class
                             WHERE relname IN ('webhook_logs', 'webhook_events')
                               AND relnamespace = current_schema()::regnamespace)`,
  );
  return rows.map((row) => row.name);
}
