import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { runInChild } from './child-run';
import { Scenario } from './report';

export const CLUSTER_SHARDS = 4;
const ROOT = join(__dirname, '..', '..');
const CLUSTER_SCRIPT = join(ROOT, 'scripts', 'redis-cluster.sh');
const LABEL = `cluster, QUEUE_SHARDS=${CLUSTER_SHARDS}: `;

/** Ports of the benchmark's own cluster, apart from the one the tests start and restart. */
const CLUSTER_ENV = {
  REDIS_CLUSTER_PORTS: process.env.BENCH_CLUSTER_PORTS ?? '7111 7112 7113',
  REDIS_CLUSTER_DIR: join(os.tmpdir(), `webhooks-bench-redis-cluster-${process.pid}`),
};

/** Endpoints of the cluster's ledger run: a webhook's deliveries all go to one shard. */
const LEDGER_ENDPOINTS = 8;

/**
 * Scenario 8: scenarios 1 and 2 and the ledger run again with QUEUE_SHARDS=4 delivery queues
 * on a local 3-node Redis Cluster (scripts/redis-cluster.sh), in a benchmark process of its
 * own. One endpoint's deliveries share one shard, so scenario 1 measures one shard on the
 * cluster; the fan-out (10 endpoints) and the ledger (8 endpoints) spread over them. After the
 * run the cluster must hold the run's keys under more than one shard hash tag, or the rows are
 * void: an app that ignored the settings would have measured the single Redis instead.
 * Scenarios 1 and 2 run once more with QUEUE_SHARDS=4 on the single Redis, to tell the cost
 * of the cluster from that of the shards.
 */
export async function clusterScenario(flags: string[]): Promise<Scenario[]> {
  const missing = missingSupport();
  if (missing) return [skipped(missing)];
  let seeds: string;
  try {
    seeds = clusterScript('start');
  } catch (error) {
    return [skipped(`scripts/redis-cluster.sh could not start the cluster: ${String(error)}`)];
  }
  try {
    return await onCluster(seeds, flags);
  } finally {
    clusterScript('stop');
    rmSync(CLUSTER_ENV.REDIS_CLUSTER_DIR, { recursive: true, force: true });
  }
}

function clusterScript(command: 'start' | 'stop'): string {
  return execFileSync('bash', [CLUSTER_SCRIPT, command], {
    encoding: 'utf8',
    env: { ...process.env, ...CLUSTER_ENV },
  }).trim();
}

async function onCluster(seeds: string, flags: string[]): Promise<Scenario[]> {
  const run = `c${Date.now().toString(36)}`;
  const rows = await runInChild(
    ['throughput', 'fanout', 'ledger'],
    { REDIS_CLUSTER_NODES: seeds, QUEUE_SHARDS: String(CLUSTER_SHARDS), BENCH_RUN: run },
    LABEL,
    [...flags, '--ledger-endpoints', String(LEDGER_ENDPOINTS)],
  );
  const shards = await shardsWithKeys(seeds, run);
  const check: Scenario = {
    name: `${LABEL}shards used`,
    kind: 'check',
    detail: { seeds, 'shards with keys of the run': [...shards].sort().join(' ') || 'none' },
  };
  if (shards.size < 2)
    check.void = [`the run's keys are under ${shards.size} shard hash tags of the cluster`];
  // The same shards on the single Redis: what the cluster costs apart from the sharding.
  const oneRedis = await runInChild(
    ['throughput', 'fanout'],
    { QUEUE_SHARDS: String(CLUSTER_SHARDS) },
    `one Redis, QUEUE_SHARDS=${CLUSTER_SHARDS}: `,
    flags,
  );
  return [...rows, check, ...oneRedis];
}

/** Why the scenario cannot run in this tree yet, or null. */
function missingSupport(): string | null {
  if (!existsSync(CLUSTER_SCRIPT)) return 'scripts/redis-cluster.sh is not in this tree';
  const config = ['env.ts', 'webhooks-options.ts']
    .map((file) => join(ROOT, 'src', 'config', file))
    .filter(existsSync)
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  for (const setting of ['REDIS_CLUSTER_NODES', 'QUEUE_SHARDS'])
    if (!config.includes(setting)) return `the example app does not read ${setting} yet`;
  return null;
}

/** The shards whose `{<prefix>:<shard>}` hash tag the run's keys carry, on every master. */
async function shardsWithKeys(seeds: string, run: string): Promise<Set<string>> {
  const cluster = new Cluster(
    seeds.split(',').map((seed) => {
      const [host, port] = seed.split(':');
      return { host, port: Number(port) };
    }),
    { lazyConnect: true },
  );
  const shards = new Set<string>();
  try {
    await cluster.connect();
    for (const node of cluster.nodes('master')) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(
          cursor,
          'MATCH',
          `*webhooks-bench-${run}*`,
          'COUNT',
          1000,
        );
        cursor = next;
        for (const key of keys) {
          const shard = /\{[^}]*:(\d+)\}/.exec(key)?.[1];
          if (shard) shards.add(shard);
        }
      } while (cursor !== '0');
    }
  } finally {
    cluster.disconnect();
  }
  return shards;
}

function skipped(why: string): Scenario {
  return {
    name: `8. ${LABEL}skipped`,
    kind: 'skipped',
    detail: { skipped: why },
  };
}
