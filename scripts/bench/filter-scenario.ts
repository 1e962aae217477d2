/**
 * Scenario 11: what payload filters (contract §10) cost triggerEvent. A tenant with one webhook
 * and no filter is the limit; beside it tenants whose one webhook has a 1-condition and a
 * 50-condition filter, each once matching the events and once not, written through the API
 * (`PATCH /api/v1/webhooks/:id { filter }`) so the filter takes the path a tenant's does.
 * Measured two ways: calls one at a time inside rolled-back transactions (only the SQL and the
 * filter, as scenario 4b), and many concurrent calls outside a transaction, which the service
 * group-commits (the statement and the Redis enqueue, with deliveries held back meanwhile).
 */
import { randomUUID } from 'node:crypto';
import type { BenchContext } from './bench-app';
import { WebhookDeliveryProcessor } from '../../src/modules/webhooks/delivery/webhook-delivery.processor';
import { buildEventEnvelope } from '../../src/modules/webhooks/events/event-envelope';
import { compileFilter, FilterEnvelope } from '../../src/modules/webhooks/routing/filter';
import { percentile, Scenario } from './report';
import { successCount } from './success-count';

export interface FilterSize {
  /** Sequential calls per variant. */
  samples: number;
  /** Concurrent calls per variant. */
  calls: number;
  /** How many of those are in flight at once. */
  lanes: number;
}

/** The rounds each variant's calls are split into, the variants taking turns within a round. */
const ROUNDS = 5;
/** Calls per variant made before timing: the first one reads the tenant's filter. */
const WARM_UP = 20;
/** Evaluations per filter when timing the filter alone. */
const EVALUATIONS = 20_000;
const SEQUENTIAL_LIMIT = 'limit: triggerEvent, no filter, sequential';
const CONCURRENT_LIMIT = 'limit: triggerEvent, no filter, concurrent';

interface Variant {
  label: string;
  filter: Record<string, unknown> | null;
  /** Whether the events match, so each call writes one delivery (else none). */
  matches: boolean;
}

/** Fifty fields of the payload, one per condition of the 50-condition filter. */
const FIELDS = Object.fromEntries(
  Array.from({ length: 50 }, (_, i) => [`k${i}`, i % 10 < 6 ? i : `v${i}`]),
);

/** The payload of every call; `n` varies. */
const data = (n: number) => ({
  message: { id: `msg_${n}`, to: '+15550100', status: 'sent', channel: 'sms', segments: 2 },
  fields: FIELDS,
  n,
});

/**
 * Fifty conditions on fifty paths, every operator kind in turn. The one that misses is the last:
 * a filter is an AND of its paths, so every condition runs before the event is refused.
 */
function fiftyConditions(matching: boolean): Record<string, unknown> {
  const condition = (i: number): Record<string, unknown> => {
    switch (i % 10) {
      case 0:
        return { $eq: i };
      case 1:
        return { $in: [i, i + 1, i + 2] };
      case 2:
        return { $gte: i };
      case 3:
        return { $lt: i + 1 };
      case 4:
        return { $exists: true };
      case 5:
        return { $neq: -1 };
      case 6:
        return { $startsWith: 'v' };
      case 7:
        return { $endsWith: String(i) };
      case 8:
        return { $contains: 'v' };
      default:
        return { $regex: matching || i < 49 ? '^v[0-9]+$' : '^w[0-9]+$' };
    }
  };
  return Object.fromEntries(
    Array.from({ length: 50 }, (_, i) => [`data.fields.k${i}`, condition(i)]),
  );
}

const VARIANTS: Variant[] = [
  { label: 'no filter', filter: null, matches: true },
  {
    label: '1-condition filter, matches',
    filter: { 'data.message.to': { $startsWith: '+1' } },
    matches: true,
  },
  {
    label: '1-condition filter, does not match',
    filter: { 'data.message.to': { $startsWith: '+44' } },
    matches: false,
  },
  { label: '50-condition filter, matches', filter: fiftyConditions(true), matches: true },
  { label: '50-condition filter, does not match', filter: fiftyConditions(false), matches: false },
];

interface Tenant extends Variant {
  tenantId: string;
  sequentialMicros: number[];
  concurrent: { seconds: number; latenciesMs: number[] };
  /** Calls whose delivery count was not what the filter says. */
  wrong: number;
}

export async function filterScenario(context: BenchContext, size: FilterSize): Promise<Scenario[]> {
  const tenants: Tenant[] = [];
  for (const variant of VARIANTS) {
    const tenantId = randomUUID();
    const webhookId = await context.endpoint(tenantId);
    if (variant.filter) await patchFilter(context, tenantId, webhookId, variant.filter);
    tenants.push({
      ...variant,
      tenantId,
      sequentialMicros: [],
      concurrent: { seconds: 0, latenciesMs: [] },
      wrong: 0,
    });
  }
  for (const tenant of tenants) await sequential(context, tenant, WARM_UP);
  for (const tenant of tenants) tenant.sequentialMicros = [];
  for (let round = 0; round < ROUNDS; round++)
    for (const tenant of tenants) await sequential(context, tenant, share(size.samples, round));
  for (let round = 0; round < ROUNDS; round++)
    for (const tenant of tenants)
      await concurrent(context, tenant, share(size.calls, round), size.lanes);

  const rows: Scenario[] = [];
  for (const tenant of tenants) rows.push(sequentialRow(tenant));
  for (const tenant of tenants) rows.push(concurrentRow(tenant, size.lanes));
  rows.push(filterAlone(tenants));
  return rows;
}

/** `total` split over the rounds, the remainder in the first. */
function share(total: number, round: number): number {
  const base = Math.floor(total / ROUNDS);
  return round === 0 ? total - base * (ROUNDS - 1) : base;
}

async function patchFilter(
  context: BenchContext,
  tenantId: string,
  webhookId: string,
  filter: Record<string, unknown>,
): Promise<void> {
  const response = await fetch(`${context.baseUrl}/api/v1/webhooks/${webhookId}`, {
    method: 'PATCH',
    headers: { authorization: context.bearer(tenantId), 'content-type': 'application/json' },
    body: JSON.stringify({ filter }),
  });
  const body = (await response.json()) as { filter?: unknown };
  if (response.status !== 200 || JSON.stringify(body.filter) !== JSON.stringify(filter))
    throw new Error(`PATCH filter: ${response.status} ${JSON.stringify(body)}`);
}

/** Calls one at a time, each in a transaction rolled back after it: nothing is delivered. */
async function sequential(context: BenchContext, tenant: Tenant, calls: number): Promise<void> {
  for (let i = 0; i < calls; i++) {
    await context.db
      .transaction(async (manager) => {
        const started = performance.now();
        const { deliveries } = await context.webhooks.triggerEvent(
          tenant.tenantId,
          'message.sent',
          data(i),
          { manager },
        );
        tenant.sequentialMicros.push((performance.now() - started) * 1000);
        if (deliveries !== (tenant.matches ? 1 : 0)) tenant.wrong++;
        throw new RolledBack();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RolledBack)) throw error;
      });
  }
}

/**
 * `calls` calls from `lanes` concurrent loops, outside any transaction. The in-process delivery
 * workers are paused meanwhile, so the matching variants are not timed with their deliveries;
 * they are let out, and awaited, before the next variant.
 */
async function concurrent(
  context: BenchContext,
  tenant: Tenant,
  calls: number,
  lanes: number,
): Promise<void> {
  const workers = deliveryWorkers(context);
  await Promise.all(workers.map((worker) => worker.pause(true)));
  const before = await successCount(context.db, [tenant.tenantId]);
  let next = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < calls) {
          const n = next++;
          const callStarted = performance.now();
          const { deliveries } = await context.webhooks.triggerEvent(
            tenant.tenantId,
            'message.sent',
            data(n),
          );
          tenant.concurrent.latenciesMs.push(performance.now() - callStarted);
          if (deliveries !== (tenant.matches ? 1 : 0)) tenant.wrong++;
        }
      }),
    );
    tenant.concurrent.seconds += (performance.now() - started) / 1000;
  } finally {
    for (const worker of workers) worker.resume();
  }
  const expected = before + (tenant.matches ? calls : 0);
  const deadline = Date.now() + 120_000;
  while ((await successCount(context.db, [tenant.tenantId])) < expected) {
    if (Date.now() > deadline) throw new Error(`${tenant.label}: deliveries did not finish`);
    await sleep(50);
  }
}

/** The in-process BullMQ workers; none when worker processes deliver (--workers). */
function deliveryWorkers(context: BenchContext) {
  try {
    return [...context.app.get(WebhookDeliveryProcessor).workers];
  } catch {
    return [];
  }
}

function sequentialRow(tenant: Tenant): Scenario {
  const micros = [...tenant.sequentialMicros].sort((a, b) => a - b);
  const average = mean(micros);
  const isLimit = tenant.filter === null;
  return {
    name: isLimit ? SEQUENTIAL_LIMIT : `11. triggerEvent, ${tenant.label}, sequential`,
    kind: isLimit ? 'limit' : 'component',
    ...(isLimit ? {} : { comparedWith: SEQUENTIAL_LIMIT }),
    count: micros.length,
    // Calls per second of one caller, so the ratio to the limit reads like every other row's.
    perSecond: 1e6 / average,
    detail: {
      'mean µs': Math.round(average),
      'p50 µs': Math.round(percentile(micros, 50)),
      'p99 µs': Math.round(percentile(micros, 99)),
    },
    ...voidIfWrong(tenant),
  };
}

function concurrentRow(tenant: Tenant, lanes: number): Scenario {
  const latencies = [...tenant.concurrent.latenciesMs].sort((a, b) => a - b);
  const isLimit = tenant.filter === null;
  return {
    name: isLimit ? CONCURRENT_LIMIT : `11. triggerEvent, ${tenant.label}, concurrent`,
    kind: isLimit ? 'limit' : 'component',
    ...(isLimit ? {} : { comparedWith: CONCURRENT_LIMIT }),
    count: latencies.length,
    seconds: tenant.concurrent.seconds,
    perSecond: latencies.length / tenant.concurrent.seconds,
    detail: {
      lanes,
      'call p50 ms': +percentile(latencies, 50).toFixed(1),
      'call p99 ms': +percentile(latencies, 99).toFixed(1),
      'deliveries per call': tenant.matches ? 1 : 0,
    },
    ...voidIfWrong(tenant),
  };
}

/**
 * What the outbox does in process per event for a tenant with filters: parse the envelope and
 * run the compiled matcher. The share of the limit's sequential call it would be.
 */
function filterAlone(tenants: Tenant[]): Scenario {
  const envelope = buildEventEnvelope('evt_bench_filter', 'message.sent', data(1));
  const detail: Record<string, string> = {};
  const limitMean = mean(tenants.find((tenant) => tenant.filter === null)!.sequentialMicros);
  for (const tenant of tenants) {
    if (!tenant.filter) continue;
    const matches = compileFilter(tenant.filter);
    let matched = 0;
    const started = performance.now();
    for (let i = 0; i < EVALUATIONS; i++)
      if (matches(JSON.parse(envelope) as FilterEnvelope)) matched++;
    const micros = ((performance.now() - started) * 1000) / EVALUATIONS;
    if (matched !== (tenant.matches ? EVALUATIONS : 0))
      throw new Error(`${tenant.label}: the compiled filter matched ${matched} of ${EVALUATIONS}`);
    detail[tenant.label.replace(/-condition filter, /, ' cond., ')] =
      `${micros.toFixed(1)} µs (${((micros / limitMean) * 100).toFixed(1)} %)`;
  }
  return {
    name: '11. filter alone per event (JSON.parse + match; % of the limit call)',
    kind: 'cost',
    count: EVALUATIONS,
    detail,
  };
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function voidIfWrong(tenant: Tenant): Pick<Scenario, 'void'> {
  if (tenant.wrong === 0) return {};
  const expected = tenant.matches ? 'one delivery' : 'no delivery';
  return { void: [`${tenant.wrong} calls did not write ${expected}: the filter was not applied`] };
}

class RolledBack extends Error {}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
