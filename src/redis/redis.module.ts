import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Redis, { Cluster } from 'ioredis';
import { AppConfig } from '../config/app-config';

/** The example app's own Redis connection, for its health check (the webhooks module has its own). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/** A health check waits this long for Redis. */
export const REDIS_COMMAND_TIMEOUT_MS = 1000;

@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [ConfigService],
      // Commands fail at once while Redis is down instead of queueing in memory, and give up
      // after REDIS_COMMAND_TIMEOUT_MS when it does not answer.
      useFactory: (config: AppConfig) => {
        const settings = {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
        };
        // On a Redis Cluster (REDIS_CLUSTER_NODES) the check pings one of its masters.
        const seeds = config.get('REDIS_CLUSTER_NODES', { infer: true });
        const client =
          seeds.length > 0
            ? new Cluster(seeds, {
                enableOfflineQueue: false,
                redisOptions: { maxRetriesPerRequest: 1, commandTimeout: REDIS_COMMAND_TIMEOUT_MS },
              })
            : new Redis(config.get('REDIS_URL', { infer: true }), settings);
        return client.on('error', () => undefined); // reported by the health check
      },
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis | Cluster) {}

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
