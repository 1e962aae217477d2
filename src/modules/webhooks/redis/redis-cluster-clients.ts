import { Cluster, ClusterOptions, RedisOptions } from 'ioredis';
import type { ClusterNode } from '../options/option-rules';
import { reconnectDelayMs } from './bullmq-connections';

/**
 * ioredis Cluster clients with the same roles as the single-server connections
 * (bullmq-connections.ts). A lost node's connection is dropped and made anew from the next slot
 * map (ioredis' default): letting each node connection reconnect by itself instead left a
 * Worker's blocking read, and the producers, stuck on a master that restarted empty.
 */
function cluster(nodes: ClusterNode[], options: ClusterOptions, node: RedisOptions): Cluster {
  return new Cluster(nodes, {
    clusterRetryStrategy: reconnectDelayMs,
    ...options,
    redisOptions: node,
  });
}

/**
 * Producers fail fast while their slot's master is unreachable (the relay catches up): a
 * command to a closed connection is retried a few times 100 ms apart, not ioredis' 16.
 */
export function producerCluster(nodes: ClusterNode[]): Cluster {
  return cluster(nodes, { enableOfflineQueue: false, maxRedirections: 4 }, {});
}

/**
 * Workers wait for the master to return. BullMQ duplicates this template for each Worker (only
 * the maintenance queue uses it as it is), so it is lazy: a template opens no socket itself.
 */
export function workerCluster(nodes: ClusterNode[]): Cluster {
  return cluster(
    nodes,
    { enableOfflineQueue: true, lazyConnect: true },
    { maxRetriesPerRequest: null },
  );
}

/** The module's own client (rate limits): a command fails at once rather than queueing. */
export function commandCluster(nodes: ClusterNode[]): Cluster {
  return cluster(nodes, { enableOfflineQueue: false }, { maxRetriesPerRequest: 1 });
}
