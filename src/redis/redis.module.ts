import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { logClientConnectionState } from '../modules/webhooks/redis/connection-state-log';

/** A shared Redis connection for everything that is not BullMQ (health, rate limits). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [ConfigService],
      // Commands fail at once while Redis is down instead of queueing in memory.
      useFactory: (config: AppConfig) =>
        logClientConnectionState(
          'shared client',
          new Redis(config.get('REDIS_URL', { infer: true }), {
            enableOfflineQueue: false,
            maxRetriesPerRequest: 1,
            lazyConnect: false,
          }),
          new Logger('RedisModule'),
        ),
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
