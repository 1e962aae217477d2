/**
 * npm run bench [-- --quick] [--events N] [--duration S] [--concurrency C] [--workers W]
 *
 * Runs the real service (triggerEvent, BullMQ processor, Postgres logging, signing, HTTP)
 * against a keep-alive receiver in its own process, on a database and queue prefix of its
 * own, and measures beside it the bare BullMQ and raw keep-alive http.request limits at the same
 * concurrency (and the delivery HTTP client alone against the latter).
 * Prints a table and writes bench-results.json.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { formatTable, ratios, Scenario } from './report';
import { inProcess, startWorkers } from './usage';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    events: { type: 'string' },
    duration: { type: 'string' },
    concurrency: { type: 'string' },
    workers: { type: 'string' },
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
};

const run = `${Date.now().toString(36)}`;
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

async function main(): Promise<void> {
  await admin(`CREATE DATABASE "${database}"`);
  const receiver = await startReceiver();
  // Loaded after the environment is set: the app reads its configuration on import.
  const { BenchApp } = await import('./bench-app');
  const app = await BenchApp.start(receiver, async () =>
    workers === 0 ? inProcess : startWorkers(workers),
  );
  const results: Scenario[] = [];
  try {
    results.push(await app.bareBullmq(size.bareJobs));
    results.push(await app.rawHttp(size.bareJobs));
    results.push(await app.deliveryHttpClient(size.bareJobs));
    results.push(await app.throughput('1. throughput, 1 endpoint', size.events));
    results.push(await app.fanout(size.fanoutEvents, size.fanoutEndpoints));
    results.push(await app.latency(size.latencyRate, size.latencySeconds));
    results.push(...(await app.costGrowth(size.events, size.prefillRows)));
    results.push(...(await app.triggerCost(size.tenants, size.triggerSamples)));
    results.push(await app.memory(size.memoryDeliveries));
  } finally {
    await app.close();
    receiver.stop();
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }

  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    concurrency,
    workers,
    quick,
  };
  console.log(formatTable(results));
  writeFileSync(
    join(process.cwd(), 'bench-results.json'),
    JSON.stringify({ machine, size, ratios: ratios(results), results }, null, 2),
  );
  console.log(`\nmachine: ${JSON.stringify(machine)}\nwritten: bench-results.json`);
}

export interface Receiver {
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
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
