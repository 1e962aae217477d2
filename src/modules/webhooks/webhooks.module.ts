import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../config/app-config';
import { producerConnection } from './redis/bullmq-connections';
import { DeliveryStore } from './delivery/delivery-store';
import { WebhookDeliveryService } from './delivery/webhook-delivery.service';
import { WebhookHttpClient } from './delivery/webhook-http-client';
import { WebhookLog } from './entities/webhook-log.entity';
import { Webhook } from './entities/webhook.entity';
import { AfterCommitRegistration } from './outbox/after-commit.registration';
import { DeliveryQueue } from './outbox/delivery-queue.service';
import { QueueAdminController } from './queue-admin.controller';
import { QueueAdminService } from './queue-admin.service';
import { PlaintextSecretEncryption } from './secrets/plaintext-secret-encryption';
import { WebhookSecretCipher } from './secrets/webhook-secret-cipher';
import { HostResolver } from './url-guard/host-resolver';
import { UrlGuard } from './url-guard/url-guard';
import { WebhookUrlPolicy } from './url-guard/webhook-url.policy';
import { DELIVERY_JOB_OPTIONS, WEBHOOK_DELIVERY_QUEUE } from './webhook-queue';
import { WebhookDeliveriesController } from './webhook-deliveries.controller';
import { WebhookLogsService } from './webhook-logs.service';
import { WebhookMetricsCollector } from './metrics/webhook-metrics.collector';
import { WebhookRegistryService } from './webhook-registry.service';
import { WebhookStatsService } from './webhook-stats.service';
import { WebhookTestService } from './webhook-test.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Import this module and inject WebhooksService to emit events. The delivery worker lives in
 * WebhookWorkerModule, loaded only in processes with WORKER_ENABLED.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Webhook, WebhookLog]),
    BullModule.registerQueueAsync({
      name: WEBHOOK_DELIVERY_QUEUE,
      inject: [ConfigService],
      useFactory: (config: AppConfig) => ({
        // Producers fail fast while Redis is down; the outbox relay catches up later. Its
        // worker gets a worker's settings (workerOf).
        connection: producerConnection(config.get('REDIS_URL', { infer: true })),
        defaultJobOptions: DELIVERY_JOB_OPTIONS,
      }),
    }),
  ],
  // QueueAdminController first: its `queue/*` routes must win over `:id` and `:id/stats`.
  controllers: [QueueAdminController, WebhooksController, WebhookDeliveriesController],
  providers: [
    WebhooksService,
    WebhookRegistryService,
    WebhookLogsService,
    WebhookStatsService,
    WebhookTestService,
    WebhookDeliveryService,
    WebhookHttpClient,
    DeliveryStore,
    DeliveryQueue,
    AfterCommitRegistration,
    QueueAdminService,
    WebhookUrlPolicy,
    UrlGuard,
    HostResolver,
    WebhookMetricsCollector,
    WebhookSecretCipher,
    PlaintextSecretEncryption,
  ],
  exports: [
    WebhooksService,
    WebhookDeliveryService,
    DeliveryStore,
    DeliveryQueue,
    TypeOrmModule,
    // The delivery queue, for WebhookWorkerModule's worker.
    BullModule,
  ],
})
export class WebhooksModule {}
