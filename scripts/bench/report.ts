export const BARE_BULLMQ_LIMIT = 'limit: bare BullMQ (add + no-op)';
export const RAW_HTTP_LIMIT = 'limit: raw keep-alive http.request';

export interface Scenario {
  name: string;
  /**
   * `limit` rows are ceilings measured in the same run; `service` rows (the whole pipeline)
   * are compared with bare BullMQ, a `component` with the limit it names.
   */
  kind:
    | 'limit'
    | 'service'
    | 'component'
    | 'cost'
    | 'memory'
    | 'ledger'
    | 'storage'
    | 'check'
    | 'skipped';
  comparedWith?: string;
  count?: number;
  seconds?: number;
  perSecond?: number;
  latencyMs?: { p50: number; p95: number; p99: number; max: number };
  /** Free-form figures: microseconds per call, MB, rows. */
  detail?: Record<string, number | string>;
  /** A ledger run's counts (see ledger.ts). */
  ledger?: Record<string, number>;
  /** Why the row's figures cannot be trusted; any void row fails the benchmark. */
  void?: string[];
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

/** The limit a row is held against: its own, or bare BullMQ for the service rows. */
export function referenceOf(row: Scenario): string | undefined {
  if (row.kind === 'component') return row.comparedWith;
  return row.kind === 'service' ? BARE_BULLMQ_LIMIT : undefined;
}

/** Each service and component row's rate as a fraction of its limit's, by name. */
export function ratios(results: Scenario[]): Record<string, number> {
  const rate = new Map(results.map((r) => [r.name, r.perSecond]));
  const out: Record<string, number> = {};
  for (const row of results) {
    const limit = rate.get(referenceOf(row) ?? '');
    if (row.perSecond !== undefined && limit) out[row.name] = row.perSecond / limit;
  }
  return out;
}

export function formatTable(results: Scenario[]): string {
  const ratio = ratios(results);
  const rows = results.map((r) => [
    r.name,
    r.count?.toLocaleString('en-US') ?? '',
    r.seconds !== undefined ? r.seconds.toFixed(2) : '',
    r.perSecond !== undefined ? Math.round(r.perSecond).toLocaleString('en-US') : '',
    ratio[r.name] !== undefined ? `${Math.round(100 * ratio[r.name])}% of ${shortName(r)}` : '',
    [
      r.latencyMs
        ? `p50 ${fixed(r.latencyMs.p50)} p95 ${fixed(r.latencyMs.p95)} p99 ${fixed(r.latencyMs.p99)} max ${fixed(r.latencyMs.max)} ms`
        : '',
      ...Object.entries(r.detail ?? {}).map(([key, value]) => `${key} ${value}`),
    ]
      .filter(Boolean)
      .join(', '),
  ]);
  const header = ['scenario', 'count', 'seconds', 'per second', 'of limit', 'details'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

function shortName(row: Scenario): string {
  return (referenceOf(row) ?? '').replace(/^limit: /, '').replace(/ \(.*\)$/, '');
}

function fixed(value: number): string {
  return value.toFixed(1);
}
