import { Logger, Provider } from '@nestjs/common';
import Redis, { Cluster } from 'ioredis';
import { WebhooksConfig } from '../options/webhooks-config';
import { logClientConnectionState } from './connection-state-log';
import { commandCluster } from './redis-cluster-clients';

/** The module's own Redis connection for everything that is not BullMQ (rate limits). */
export const WEBHOOKS_REDIS = Symbol('WEBHOOKS_REDIS');

/** A single Redis or a Redis Cluster: the commands the module sends work on both. */
export type WebhooksRedisClient = Redis | Cluster;

export const webhooksRedisProvider: Provider = {
  provide: WEBHOOKS_REDIS,
  inject: [WebhooksConfig],
  // Commands fail at once while Redis is down instead of queueing in memory.
  useFactory: (config: WebhooksConfig): WebhooksRedisClient =>
    logClientConnectionState(
      'shared client',
      config.redisClusterNodes.length > 0
        ? commandCluster(config.redisClusterNodes)
        : new Redis(config.redisUrl, {
            enableOfflineQueue: false,
            maxRetriesPerRequest: 1,
            lazyConnect: false,
          }),
      new Logger('WebhooksRedis'),
    ),
};
