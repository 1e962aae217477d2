import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConnectionOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import { WebhooksConfig } from '../options/webhooks-config';
import { producerConnection, workerConnection } from './bullmq-connections';
import { QueueKeySettings } from './queue-shards';
import { producerCluster, workerCluster } from './redis-cluster-clients';

/**
 * BullMQ connections by role for the configured topology: a single Redis (options that each
 * Queue or Worker connects with by itself, as before) or a Redis Cluster (one shared client per
 * role, which BullMQ duplicates for each Worker and which this provider closes at the end).
 */
@Injectable()
export class QueueConnections implements OnApplicationShutdown {
  readonly keys: QueueKeySettings;
  private readonly clusters = new Map<'producer' | 'worker', Cluster>();

  constructor(private readonly config: WebhooksConfig) {
    this.keys = {
      queuePrefix: config.queuePrefix,
      onCluster: config.redisClusterNodes.length > 0,
    };
  }

  /** For Queues that API requests and the relay add to: commands fail fast while Redis is away. */
  producer(): ConnectionOptions {
    if (!this.keys.onCluster) return producerConnection(this.config.redisUrl);
    return this.cluster('producer', producerCluster);
  }

  /** For Workers and the queues only workers use: commands wait for Redis to return. */
  worker(): ConnectionOptions {
    if (!this.keys.onCluster) return workerConnection(this.config.redisUrl);
    return this.cluster('worker', workerCluster);
  }

  /** After the queues closed (BullMQ leaves a shared client open). */
  onApplicationShutdown(): void {
    for (const client of this.clusters.values()) client.disconnect();
  }

  private cluster(role: 'producer' | 'worker', create: typeof producerCluster): Cluster {
    let client = this.clusters.get(role);
    if (!client) {
      client = create(this.config.redisClusterNodes);
      // BullMQ reports these through each Queue and Worker (connection-state-log.ts); the
      // shared client's own listener only keeps ioredis from printing them raw.
      client.on('error', () => undefined);
      this.clusters.set(role, client);
    }
    return client;
  }
}
