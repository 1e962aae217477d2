/**
 * npm run bench [-- --quick] [--events N] [--duration S] [--concurrency C] [--workers W]
 *                [--scenarios a,b,...] [--ledger-rate R] [--ledger-seconds S] [--partition-rows N]
 *                [--ledger-endpoints E]
 *
 * Runs the real service (triggerEvent, BullMQ processor, Postgres logging, signing, HTTP)
 * against a keep-alive receiver in its own process, on a database and queue prefix of its
 * own, and measures beside it the bare BullMQ and raw keep-alive http.request limits at the same
 * concurrency (and the delivery HTTP client alone against the latter).
 * Prints a table and writes bench-results.json; exits 1 when a row is void (a ledger run
 * that does not balance).
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { clusterScenario } from './cluster-scenario';
import { filterScenario } from './filter-scenario';
import type { LedgerReceiver } from './ledger';
import { ledgerScenario } from './ledger-scenario';
import { partitionBody, partitionScenario } from './partition-scenario';
import { portalScenario, preparePortalPage } from './portal-scenario';
import { formatTable, ratios, Scenario } from './report';
import { storageScenario } from './storage-scenario';
import { inProcess, startWorkers } from './usage';

/** Every scenario by the name `--scenarios` takes, in the order a full run makes them. */
const SCENARIOS = [
  'limits',
  'throughput',
  'fanout',
  'latency',
  'growth',
  'trigger',
  'memory',
  'ledger',
  'storage',
  'cluster',
  'partitions',
  'partitions-body',
  'portal',
  'filters',
] as const;
type ScenarioKey = (typeof SCENARIOS)[number];
/** Heavy scenarios a quick run leaves out (unless named with --scenarios). */
const FULL_RUN_ONLY: ScenarioKey[] = ['cluster', 'partitions'];
const SKIPPED_NAMES: Record<string, string> = {
  cluster: '8. QUEUE_SHARDS=4 on a Redis Cluster',
  partitions: '9. 10M log rows across day partitions',
};
/** What a scenario runs in a benchmark process of its own; never run by default. */
const CHILD_ONLY: ScenarioKey[] = ['partitions-body'];

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    events: { type: 'string' },
    duration: { type: 'string' },
    concurrency: { type: 'string' },
    workers: { type: 'string' },
    scenarios: { type: 'string' },
    'ledger-rate': { type: 'string' },
    'ledger-seconds': { type: 'string' },
    'partition-rows': { type: 'string' },
    'ledger-endpoints': { type: 'string' },
    // Set by a parent benchmark running some scenarios in a process of their own.
    label: { type: 'string', default: '' },
    'results-file': { type: 'string' },
  },
});
const quick = flags.quick ?? false;
const concurrency = Number(flags.concurrency ?? 50);
/** Worker processes to deliver in; 0 delivers in the benchmark's own process. */
const workers = Number(flags.workers ?? 0);
const size = {
  events: Number(flags.events ?? (quick ? 400 : 20_000)),
  fanoutEvents: quick ? 50 : 2_000,
  fanoutEndpoints: 10,
  latencySeconds: Number(flags.duration ?? (quick ? 3 : 30)),
  latencyRate: quick ? 50 : 200,
  prefillRows: quick ? 20_000 : 1_000_000,
  tenants: quick ? 200 : 10_000,
  triggerSamples: quick ? 200 : 2_000,
  memoryDeliveries: quick ? 2_000 : 100_000,
  bareJobs: quick ? 2_000 : 20_000,
  ledger: {
    ratePerSecond: Number(flags['ledger-rate'] ?? (quick ? 100 : 500)),
    seconds: Number(flags['ledger-seconds'] ?? (quick ? 3 : 60)),
    endpoints: Number(flags['ledger-endpoints'] ?? 1),
  },
  storageEvents: quick ? 3 : 100,
  portal: { logs: 100_000, rounds: quick ? 3 : 7, apiSamples: quick ? 10 : 30 },
  filters: { samples: quick ? 200 : 2_000, calls: quick ? 500 : 5_000, lanes: 100 },
  partitionRows: Number(flags['partition-rows'] ?? 10_000_000),
  partitionDays: 30,
};
const selected = selectScenarios(flags.scenarios);
/** The flags a child benchmark process gets, so it runs at the same size. */
const childFlags = [
  ...(quick ? ['--quick'] : []),
  ...(
    [
      'events',
      'duration',
      'concurrency',
      'workers',
      'ledger-rate',
      'ledger-seconds',
      'partition-rows',
      'ledger-endpoints',
    ] as const
  )
    .filter((flag) => flags[flag] !== undefined)
    .flatMap((flag) => [`--${flag}`, String(flags[flag])]),
];

const run = process.env.BENCH_RUN ?? Date.now().toString(36);
const baseDatabaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/webhooks';
const database = `webhooks_bench_${run}`;
const databaseUrl = withDatabase(baseDatabaseUrl, database);
Object.assign(process.env, {
  DATABASE_URL: databaseUrl,
  QUEUE_PREFIX: `webhooks-bench-${run}`,
  WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  WEBHOOK_WORKER_CONCURRENCY: String(concurrency),
  WORKER_ENABLED: String(workers === 0),
  DB_MIGRATIONS_RUN: 'true',
  LOG_LEVEL: 'warn',
  JWT_SECRET: 'bench-only-jwt-secret-0123456789abcdef',
  WEBHOOK_SECRET_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
});
// A child process reads these from its parent's environment, not from its own database.
delete process.env.BENCH_RUN;

/** Other work on the box shows here: the figures of a run on a busy machine are lower. */
const loadAtStart = os.loadavg()[0];

async function main(): Promise<void> {
  // The app reads the built portal page at boot.
  if (selected.has('portal')) preparePortalPage();
  await admin(`CREATE DATABASE "${database}"`);
  const receiver = await startReceiver();
  // Loaded after the environment is set: the app reads its configuration on import.
  const { BenchApp } = await import('./bench-app');
  const app = await BenchApp.start(receiver, async () =>
    workers === 0 ? inProcess : startWorkers(workers),
  );
  const results: Scenario[] = [];
  const partitionSize = {
    rows: size.partitionRows,
    days: size.partitionDays,
    events: size.events,
    ledger: size.ledger,
  };
  const runs: Record<ScenarioKey, () => Promise<Scenario | Scenario[]>> = {
    limits: async () => [
      await app.bareBullmq(size.bareJobs),
      await app.rawHttp(size.bareJobs),
      await app.deliveryHttpClient(size.bareJobs),
    ],
    throughput: () => app.throughput('1. throughput, 1 endpoint', size.events),
    fanout: () => app.fanout(size.fanoutEvents, size.fanoutEndpoints),
    latency: () => app.latency(size.latencyRate, size.latencySeconds),
    growth: () => app.costGrowth(size.events, size.prefillRows),
    trigger: () => app.triggerCost(size.tenants, size.triggerSamples),
    memory: () => app.memory(size.memoryDeliveries),
    ledger: () => ledgerScenario(app.context, size.ledger),
    storage: () => storageScenario(app.context, size.storageEvents, size.fanoutEndpoints),
    cluster: () => clusterScenario(childFlags),
    partitions: () => partitionScenario(app.context, childFlags),
    'partitions-body': () =>
      partitionBody(app.context, (name, events) => app.throughput(name, events), partitionSize),
    portal: () => portalScenario(app.context, size.portal),
    filters: () => filterScenario(app.context, size.filters),
  };
  try {
    for (const key of SCENARIOS) {
      if (selected.has(key)) results.push(...[await runs[key]()].flat());
      else if (quick && FULL_RUN_ONLY.includes(key) && !flags.scenarios)
        results.push({
          name: SKIPPED_NAMES[key],
          kind: 'skipped',
          detail: { skipped: 'full run only' },
        });
    }
  } finally {
    await app.close();
    receiver.stop();
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
  for (const row of results)
    if (!row.name.startsWith(flags.label)) row.name = flags.label + row.name;

  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    concurrency,
    workers,
    quick,
    loadAverage: { start: +loadAtStart.toFixed(2), end: +os.loadavg()[0].toFixed(2) },
  };
  console.log(formatTable(results));
  const resultsFile = flags['results-file'] ?? join(process.cwd(), 'bench-results.json');
  writeFileSync(
    resultsFile,
    JSON.stringify({ machine, size, ratios: ratios(results), results }, null, 2),
  );
  console.log(`\nmachine: ${JSON.stringify(machine)}\nwritten: ${resultsFile}`);
  const voided = results.filter((row) => row.void);
  for (const row of voided) console.error(`VOID: ${row.name}: ${row.void!.join('; ')}`);
  if (voided.length > 0) process.exitCode = 1;
}

function selectScenarios(list: string | undefined): Set<ScenarioKey> {
  if (!list)
    return new Set(
      SCENARIOS.filter(
        (key) => !CHILD_ONLY.includes(key) && (!quick || !FULL_RUN_ONLY.includes(key)),
      ),
    );
  const keys = list.split(',').map((key) => key.trim());
  const unknown = keys.filter((key) => !(SCENARIOS as readonly string[]).includes(key));
  if (unknown.length > 0)
    throw new Error(`unknown scenarios ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
  return new Set(keys as ScenarioKey[]);
}

export interface Receiver extends LedgerReceiver {
  url: string;
  arrivals(): Promise<{ count: number; arrivals: Array<[number, number]> }>;
  reset(): Promise<void>;
  stop(): void;
}

async function startReceiver(): Promise<Receiver> {
  const child = fork(join(__dirname, 'receiver.js'), {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve) =>
    child.once('message', (message: { port: number }) => resolve(message.port)),
  );
  const ask = <T>(question: string) =>
    new Promise<T>((resolve) => {
      child.once('message', (answer: T) => resolve(answer));
      child.send(question);
    });
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrivals: () => ask('arrivals'),
    reset: () => ask<unknown>('reset').then(() => undefined),
    ledgerStart: () => ask<unknown>('ledger-start').then(() => undefined),
    ledgerTake: () => ask<{ ledger: Array<[string, number]> }>('ledger-take').then((a) => a.ledger),
    ledgerStop: () => ask<unknown>('ledger-stop').then(() => undefined),
    stop: () => child.kill(),
  };
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(baseDatabaseUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
