/**
 * Names and days of the daily range partitions (UTC days of created_at). A partition's name
 * says what it holds: `<table>_pYYYYMMDD` one day, `<table>_before_YYYYMMDD` everything before
 * that day (older rows of a converted installation). Pure: the SQL lives in DayPartitions.
 */

export const DAY_MS = 86_400_000;
/** Days kept ready ahead of today, so an insert never finds its day missing. */
export const DAYS_AHEAD = 7;
/** Partitioned by day, dropped together: a log and its event share created_at. */
export const LOGS_TABLE = 'webhook_logs';
export const EVENTS_TABLE = 'webhook_events';
export const PARTITIONED_TABLES = [LOGS_TABLE, EVENTS_TABLE] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

/** One partition's range: [fromMs, toMs); fromMs null for the open-ended `before_` one. */
export interface DayRange {
  name: string;
  fromMs: number | null;
  toMs: number;
}

export const startOfDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

const compact = (dayMs: number) => new Date(dayMs).toISOString().slice(0, 10).replace(/-/g, '');

export function dayPartitionName(table: PartitionedTable, dayMs: number): string {
  return `${table}_p${compact(startOfDay(dayMs))}`;
}

function parseDay(compactDay: string): number | null {
  const ms = Date.parse(
    `${compactDay.slice(0, 4)}-${compactDay.slice(4, 6)}-${compactDay.slice(6, 8)}T00:00:00Z`,
  );
  return Number.isNaN(ms) ? null : ms;
}

/** The range a partition of `table` holds, from its name; null for a name not made here. */
export function partitionRange(table: PartitionedTable, name: string): DayRange | null {
  const match = new RegExp(`^${table}_(p|before_)(\\d{8})$`).exec(name);
  const day = match ? parseDay(match[2]) : null;
  if (!match || day === null) return null;
  return match[1] === 'p'
    ? { name, fromMs: day, toMs: day + DAY_MS }
    : { name, fromMs: null, toMs: day };
}

/** The days in [fromMs, toMs] (whole days) that no existing partition covers. */
export function missingDays(existing: readonly DayRange[], fromMs: number, toMs: number): number[] {
  const covered = (day: number) =>
    existing.some((range) => (range.fromMs ?? -Infinity) <= day && day < range.toMs);
  const days: number[] = [];
  for (let day = startOfDay(fromMs); day <= startOfDay(toMs); day += DAY_MS) {
    if (!covered(day)) days.push(day);
  }
  return days;
}

/**
 * The partitions whose every row is older than `retentionDays` at `nowMs`, oldest first: a
 * row is kept at least that long, and at most a day longer.
 */
export function expiredRanges(
  existing: readonly DayRange[],
  nowMs: number,
  retentionDays: number,
): DayRange[] {
  const cutoff = nowMs - retentionDays * DAY_MS;
  return existing.filter((range) => range.toMs <= cutoff).sort((a, b) => a.toMs - b.toMs);
}
