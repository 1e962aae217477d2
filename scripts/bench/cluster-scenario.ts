import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { runInChild } from './child-run';
import { Scenario } from './report';

export const CLUSTER_SHARDS = 4;
const ROOT = join(__dirname, '..', '..');
const CLUSTER_SCRIPT = join(ROOT, 'scripts', 'redis-cluster.sh');
const LABEL = `cluster, QUEUE_SHARDS=${CLUSTER_SHARDS}: `;

/**
 * Scenario 8: scenario 1 and the ledger run again with deliveries spread over
 * QUEUE_SHARDS=4 queues on a local 3-node Redis Cluster (scripts/redis-cluster.sh), in a
 * benchmark process of its own. Afterwards the cluster must hold keys of 4 distinct shard
 * hash tags of that run, or the row is void: an app that ignored the settings would have
 * measured the single Redis instead.
 */
export async function clusterScenario(flags: string[]): Promise<Scenario[]> {
  const missing = missingSupport();
  if (missing) return [skipped(missing)];
  let seeds: string;
  try {
    seeds = execFileSync('bash', [CLUSTER_SCRIPT, 'start'], { encoding: 'utf8' }).trim();
  } catch (error) {
    return [skipped(`scripts/redis-cluster.sh could not start the cluster: ${String(error)}`)];
  }
  const run = `c${Date.now().toString(36)}`;
  const rows = await runInChild(
    ['throughput', 'ledger'],
    { REDIS_CLUSTER_NODES: seeds, QUEUE_SHARDS: String(CLUSTER_SHARDS), BENCH_RUN: run },
    LABEL,
    flags,
  );
  const tags = [...(await shardTagsOf(seeds, run))];
  const check: Scenario = {
    name: `${LABEL}shards used`,
    kind: 'service',
    detail: { seeds, 'hash tags of this run': tags.length },
  };
  if (tags.length < CLUSTER_SHARDS)
    check.void = [
      `the cluster holds ${tags.length} shard hash tags of the run, not ${CLUSTER_SHARDS}`,
    ];
  return [...rows, check];
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

/** The `{...}` hash tags of the run's queue keys on every master of the cluster. */
async function shardTagsOf(seeds: string, run: string): Promise<Set<string>> {
  const cluster = new Cluster(
    seeds.split(',').map((seed) => {
      const [host, port] = seed.split(':');
      return { host, port: Number(port) };
    }),
    { lazyConnect: true },
  );
  const tags = new Set<string>();
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
          const tag = /\{([^}]*)\}/.exec(key)?.[1];
          if (tag) tags.add(tag);
        }
      } while (cursor !== '0');
    }
  } finally {
    cluster.disconnect();
  }
  return tags;
}

function skipped(why: string): Scenario {
  return {
    name: `8. ${LABEL}skipped`,
    kind: 'skipped',
    detail: { skipped: why },
  };
}
