export interface Scenario {
  name: string;
  /** `limit` rows are the physical ceilings the service is compared with. */
  kind: 'limit' | 'service' | 'cost' | 'memory';
  count?: number;
  seconds?: number;
  perSecond?: number;
  latencyMs?: { p50: number; p95: number; p99: number; max: number };
  /** Free-form figures: microseconds per call, MB, rows. */
  detail?: Record<string, number | string>;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

export function formatTable(results: Scenario[], limitPerSecond: number): string {
  const rows = results.map((r) => [
    r.name,
    r.count?.toLocaleString('en-US') ?? '',
    r.seconds !== undefined ? r.seconds.toFixed(2) : '',
    r.perSecond !== undefined ? Math.round(r.perSecond).toLocaleString('en-US') : '',
    r.perSecond !== undefined && r.kind === 'service'
      ? `${Math.round((100 * r.perSecond) / limitPerSecond)}%`
      : '',
    r.latencyMs
      ? `p50 ${fixed(r.latencyMs.p50)} p95 ${fixed(r.latencyMs.p95)} p99 ${fixed(r.latencyMs.p99)} max ${fixed(r.latencyMs.max)} ms`
      : Object.entries(r.detail ?? {})
          .map(([key, value]) => `${key} ${value}`)
          .join(', '),
  ]);
  const header = ['scenario', 'count', 'seconds', 'per second', 'of limit', 'details'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

function fixed(value: number): string {
  return value.toFixed(1);
}
