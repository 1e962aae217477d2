/**
 * An exact-ledger load run in the style of Outpost's load harness: events offered at a steady
 * rate on a clock (open loop: a slow triggerEvent never delays the next one), every event
 * stamped when it was scheduled, sent (triggerEvent called), acknowledged (triggerEvent
 * resolved) and received (the receiver got its webhook-id). The run counts only what it saw:
 * `published == delivered + missing` must hold, or the run is void.
 */
import { percentile, Scenario } from './report';

/** The receiver's side of the ledger: every request's webhook-id and arrival time. */
export interface LedgerReceiver {
  ledgerStart(): Promise<void>;
  ledgerTake(): Promise<Array<[string, number]>>;
  ledgerStop(): Promise<void>;
}

/** Something timed while the events keep flowing (a retention run, a node restart). */
export interface DuringRun {
  name: string;
  atSecond: number;
  action: () => Promise<unknown>;
}

export interface LedgerOptions {
  name: string;
  ratePerSecond: number;
  seconds: number;
  /** How long to wait for the last deliveries once every call has settled. */
  drainSeconds: number;
  /** Triggers one event with this id; resolves with the deliveries it made. */
  trigger: (eventId: string) => Promise<{ deliveries: number }>;
  receiver: LedgerReceiver;
  during?: DuringRun;
  /** Deliveries the database holds as successful once the run is over (a cross-check). */
  successRows?: () => Promise<number>;
  /** Latency over which an event counts as delayed while `during` runs. */
  delayedOverMs?: number;
}

interface Entry {
  scheduled: number;
  sent?: number;
  acknowledged?: number;
  rejected?: string;
  deliveries?: number;
  received?: number;
  copies: number;
}

/** A type, not an interface: it goes into Scenario's plain record of numbers. */
export type LedgerCounts = {
  scheduled: number;
  sent: number;
  acknowledged: number;
  rejected: number;
  published: number;
  delivered: number;
  missing: number;
  duplicates: number;
  unknown: number;
};

/** The counts and the reasons the run is void (none: it balanced). */
export function balance(counts: LedgerCounts): string[] {
  const reasons: string[] = [];
  if (counts.published !== counts.delivered + counts.missing)
    reasons.push(
      `published ${counts.published} != delivered ${counts.delivered} + missing ${counts.missing}`,
    );
  if (counts.sent !== counts.scheduled)
    reasons.push(`sent ${counts.sent} of ${counts.scheduled} scheduled`);
  if (counts.acknowledged + counts.rejected !== counts.sent)
    reasons.push(`${counts.sent - counts.acknowledged - counts.rejected} calls never settled`);
  if (counts.rejected > 0) reasons.push(`${counts.rejected} triggerEvent calls rejected`);
  if (counts.unknown > 0) reasons.push(`${counts.unknown} deliveries of events never published`);
  return reasons;
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function ledgerRun(options: LedgerOptions): Promise<Scenario> {
  const { ratePerSecond, seconds, receiver } = options;
  const total = Math.round(ratePerSecond * seconds);
  const intervalMs = 1000 / ratePerSecond;
  const run = `evt_ledger_${Date.now().toString(36)}_`;
  const entries: Entry[] = [];
  const index = new Map<string, number>();
  let unknown = 0;
  let receivedIds = 0;
  /** Every distinct webhook-id the receiver reported, whether the ledger knows it or not. */
  const distinct = new Set<string>();
  let lastSettled = 0;
  let settled = 0;

  const take = async () => {
    for (const [id, at] of await receiver.ledgerTake()) {
      distinct.add(id);
      const i = index.get(id);
      if (i === undefined) {
        unknown++;
        continue;
      }
      const entry = entries[i];
      if (entry.copies++ === 0) {
        entry.received = at;
        receivedIds++;
      }
    }
  };

  await receiver.ledgerStart();
  const started = now();
  let duringTiming: { startedAt: number; endedAt: number; error?: string } | undefined;
  let duringDone: Promise<void> = Promise.resolve();
  let sent = 0;
  while (sent < total) {
    // Every event whose time has come goes out now, however late the previous ones are.
    const due = Math.min(total, Math.floor((now() - started) / intervalMs) + 1);
    for (; sent < due; sent++) {
      const id = `${run}${sent}`;
      const entry: Entry = { scheduled: started + sent * intervalMs, sent: now(), copies: 0 };
      entries.push(entry);
      index.set(id, sent);
      options.trigger(id).then(
        (result) => {
          entry.acknowledged = now();
          entry.deliveries = result.deliveries;
          settled++;
          lastSettled = entry.acknowledged;
        },
        (error: unknown) => {
          entry.rejected = error instanceof Error ? error.message : String(error);
          settled++;
          lastSettled = now();
        },
      );
    }
    if (options.during && !duringTiming && now() - started >= options.during.atSecond * 1000) {
      const timing: { startedAt: number; endedAt: number; error?: string } = {
        startedAt: now(),
        endedAt: NaN,
      };
      duringTiming = timing;
      duringDone = options.during.action().then(
        () => void (timing.endedAt = now()),
        (error: unknown) => {
          timing.endedAt = now();
          timing.error = error instanceof Error ? error.message : String(error);
        },
      );
    }
    const next = started + sent * intervalMs - now();
    await sleep(Math.max(0, Math.min(next, 50)));
  }
  const offeredSeconds = (now() - started) / 1000;

  // Drain: until every call settled and every published event arrived, or the deadline.
  for (;;) {
    await sleep(100);
    await take();
    const published = entries.filter((e) => (e.deliveries ?? 0) > 0).length;
    const allSettled = settled === sent;
    if (allSettled && receivedIds >= published) break;
    if (allSettled && now() - lastSettled > options.drainSeconds * 1000) break;
    if (!allSettled && now() - started > (seconds + options.drainSeconds * 2) * 1000) break;
  }
  await duringDone;
  // Duplicates arriving just after the last first copy are counted too.
  await sleep(500);
  await take();
  await receiver.ledgerStop();

  const counts = countLedger(entries, unknown, distinct.size);
  const reasons = balance(counts);
  const scheduledToReceived: number[] = [];
  const acknowledgedToReceived: number[] = [];
  const sentToAcknowledged: number[] = [];
  let senderLagMax = 0;
  for (const e of entries) {
    senderLagMax = Math.max(senderLagMax, (e.sent ?? e.scheduled) - e.scheduled);
    if (e.acknowledged !== undefined && e.sent !== undefined)
      sentToAcknowledged.push(e.acknowledged - e.sent);
    if (e.received === undefined || (e.deliveries ?? 0) === 0) continue;
    scheduledToReceived.push(e.received - e.scheduled);
    if (e.acknowledged !== undefined) acknowledgedToReceived.push(e.received - e.acknowledged);
  }
  for (const samples of [scheduledToReceived, acknowledgedToReceived, sentToAcknowledged])
    samples.sort((a, b) => a - b);

  const detail: Record<string, string | number> = {
    published: counts.published,
    delivered: counts.delivered,
    missing: counts.missing,
    duplicates: counts.duplicates,
    'ack→received': summary(acknowledgedToReceived),
    'sent→ack p99 ms': +percentile(sentToAcknowledged, 99).toFixed(1),
    'sender lag max ms': +senderLagMax.toFixed(1),
    'offered s': +offeredSeconds.toFixed(2),
    'p99 by 10 s of schedule': windowsP99(entries, started, 10_000),
  };
  if (options.successRows) detail['db success rows'] = await options.successRows();
  if (duringTiming) Object.assign(detail, duringFigures(options, duringTiming, entries));
  detail.balanced = reasons.length === 0 ? 'yes' : `VOID: ${reasons.join('; ')}`;
  return {
    name: options.name,
    kind: 'ledger',
    count: total,
    seconds: offeredSeconds,
    latencyMs: latencyOf(scheduledToReceived),
    detail,
    ledger: counts,
    void: reasons.length > 0 ? reasons : undefined,
  };
}

/** The sender's counts from `entries`; delivered is the receiver's count of distinct ids. */
export function countLedger(entries: Entry[], unknown: number, delivered: number): LedgerCounts {
  const counts: LedgerCounts = {
    scheduled: entries.length,
    sent: 0,
    acknowledged: 0,
    rejected: 0,
    published: 0,
    delivered,
    missing: 0,
    duplicates: 0,
    unknown,
  };
  for (const e of entries) {
    if (e.sent !== undefined) counts.sent++;
    if (e.rejected !== undefined) counts.rejected++;
    if (e.acknowledged === undefined) {
      // Delivered although its call never resolved: not published, so it counts as unknown.
      if (e.copies > 0) counts.unknown++;
      continue;
    }
    counts.acknowledged++;
    if ((e.deliveries ?? 0) === 0) continue;
    counts.published++;
    if (e.received === undefined) counts.missing++;
    counts.duplicates += Math.max(0, e.copies - 1);
  }
  return counts;
}

/** The `during` action's time, and the events scheduled while it ran that failed or lagged. */
function duringFigures(
  options: LedgerOptions,
  timing: { startedAt: number; endedAt: number; error?: string },
  entries: Entry[],
): Record<string, string | number> {
  const name = options.during!.name;
  const delayedOver = options.delayedOverMs ?? 1000;
  const window = entries.filter(
    (e) => e.scheduled >= timing.startedAt && e.scheduled <= timing.endedAt,
  );
  const failed = window.filter((e) => e.rejected !== undefined || e.received === undefined).length;
  const delayed = window.filter(
    (e) => e.received !== undefined && e.received - e.scheduled > delayedOver,
  ).length;
  const latencies = window
    .filter((e) => e.received !== undefined)
    .map((e) => e.received! - e.scheduled)
    .sort((a, b) => a - b);
  const figures: Record<string, string | number> = {
    [`${name} ms`]: +(timing.endedAt - timing.startedAt).toFixed(1),
    [`events during ${name}`]: window.length,
    [`failed during ${name}`]: failed,
    [`delayed >${delayedOver} ms during ${name}`]: delayed,
    [`max latency during ${name} ms`]: latencies.length
      ? +latencies[latencies.length - 1].toFixed(1)
      : 0,
  };
  if (timing.error) figures[`${name} error`] = timing.error;
  return figures;
}

/** Scheduled→received p99 of each window of the schedule: warm-up and build-ups show here. */
function windowsP99(entries: Entry[], started: number, windowMs: number): string {
  const windows: number[][] = [];
  for (const e of entries) {
    if (e.received === undefined) continue;
    (windows[Math.floor((e.scheduled - started) / windowMs)] ??= []).push(e.received - e.scheduled);
  }
  return windows
    .map((samples) =>
      percentile(
        samples.sort((a, b) => a - b),
        99,
      ).toFixed(0),
    )
    .join('/');
}

function latencyOf(sorted: number[]): Scenario['latencyMs'] {
  if (sorted.length === 0) return undefined;
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
  };
}

function summary(sorted: number[]): string {
  const latency = latencyOf(sorted);
  if (!latency) return 'no samples';
  return `p50 ${latency.p50.toFixed(1)} p95 ${latency.p95.toFixed(1)} p99 ${latency.p99.toFixed(1)} max ${latency.max.toFixed(1)} ms`;
}
