import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';

const SCRIPT = join(__dirname, '../../scripts/redis-cluster.sh');
const run = promisify(execFile);

/**
 * The local 3-master Redis Cluster of scripts/redis-cluster.sh, started if it is not running
 * (idempotent, a few seconds the first time). Returns its seeds, `host:port`.
 */
export async function startRedisCluster(): Promise<string[]> {
  const { stdout } = await run('bash', [SCRIPT, 'start'], { timeout: 60_000 });
  return stdout.trim().split(',');
}

/** Stops the master on `port` (SHUTDOWN NOSAVE: it comes back empty). */
export async function stopClusterNode(port: number): Promise<void> {
  await run('bash', [SCRIPT, 'stop-node', String(port)], { timeout: 30_000 });
}

/** Starts the node on `port` again and waits until every node says cluster_state:ok. */
export async function startClusterNode(port: number): Promise<void> {
  await run('bash', [SCRIPT, 'start-node', String(port)], { timeout: 30_000 });
}

/** A client of the cluster, for what a test reads or cleans up itself. */
export async function withCluster<T>(
  seeds: string[],
  body: (cluster: Cluster) => Promise<T>,
): Promise<T> {
  const cluster = new Cluster(seeds, { lazyConnect: true });
  try {
    await cluster.connect();
    return await body(cluster);
  } finally {
    cluster.disconnect();
  }
}

/** The `host:port` of the master that serves `key`'s hash slot. */
export async function masterOf(cluster: Cluster, key: string): Promise<string> {
  const slot = (await cluster.cluster('KEYSLOT', key)) as number;
  const ranges = await cluster.cluster('SLOTS');
  const range = ranges.find(([from, to]) => slot >= from && slot <= to);
  if (!range?.[2]) throw new Error(`no master serves slot ${slot}`);
  const [host, port] = range[2];
  return `${host}:${port}`;
}

/**
 * Deletes every key matching `pattern` on every master. One key per command: keys of
 * different slots cannot share a DEL on a cluster.
 */
export async function deleteClusterKeys(seeds: string[], pattern: string): Promise<void> {
  await withCluster(seeds, async (cluster) => {
    for (const node of cluster.nodes('master')) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        await Promise.all(keys.map((key) => node.unlink(key)));
        cursor = next;
      } while (cursor !== '0');
    }
  });
}
