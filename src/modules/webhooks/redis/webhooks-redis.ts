import { Logger, Provider } from '@nestjs/common';
import Redis from 'ioredis';
import { WebhooksConfig } from '../options/webhooks-config';
import { logClientConnectionState } from './connection-state-log';

/** The module's own Redis connection for everything that is not BullMQ (rate limits). */
export const WEBHOOKS_REDIS = Symbol('WEBHOOKS_REDIS');

export const webhooksRedisProvider: Provider = {
  provide: WEBHOOKS_REDIS,
  inject: [WebhooksConfig],
  // Commands fail at once while Redis is down instead of queueing in memory.
  useFactory: (config: WebhooksConfig) =>
    logClientConnectionState(
      'shared client',
      new Redis(config.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        lazyConnect: false,
      }),
      new Logger('WebhooksRedis'),
    ),
};
