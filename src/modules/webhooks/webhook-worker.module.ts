import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../../config/app-config';
import { workerConnection } from './redis/bullmq-connections';
import { WebhookDeliveryProcessor } from './delivery/webhook-delivery.processor';
import { OutboxRelay } from './outbox/outbox-relay.service';
import { LogRetentionProcessor, MAINTENANCE_QUEUE } from './retention/log-retention.processor';
import { LogRetentionService } from './retention/log-retention.service';
import { WebhookRateLimiter } from './throttling/webhook-rate-limiter';
import { WebhooksModule } from './webhooks.module';

/** Delivery worker, outbox relay and log retention: present in processes with WORKER_ENABLED=true. */
@Module({
  imports: [
    WebhooksModule,
    BullModule.registerQueueAsync({
      name: MAINTENANCE_QUEUE,
      inject: [ConfigService],
      // Its only producer is the scheduler keeper, run by the worker: both wait for Redis.
      useFactory: (config: AppConfig) => ({
        connection: workerConnection(config.get('REDIS_URL', { infer: true })),
      }),
    }),
  ],
  providers: [
    WebhookDeliveryProcessor,
    OutboxRelay,
    WebhookRateLimiter,
    LogRetentionService,
    LogRetentionProcessor,
  ],
})
export class WebhookWorkerModule {}
