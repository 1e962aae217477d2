import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeliveryClaims } from './delivery/delivery-claims';
import { WebhookDeliveryProcessor } from './delivery/webhook-delivery.processor';
import { WebhookDeliveryService } from './delivery/webhook-delivery.service';
import { WebhookHttpClient } from './delivery/webhook-http-client';
import { DeliveryLogRepository } from './delivery-logs/delivery-log.repository';
import { WebhookLog } from './delivery-logs/webhook-log.entity';
import { WebhookEvent } from './delivery-logs/webhook-event.entity';
import { DayPartitions } from './partitions/day-partitions.service';
import { WebhookEventDefinition } from './events/event-definition';
import { EventCatalog } from './events/event-catalog';
import { forFeatureSource, WebhookEventsFeatureModule } from './events/feature-events';
import { Webhook } from './endpoints/webhook.entity';
import { AdminGuard, TenantGuard } from './http/webhooks-guards';
import { webhookRoutes } from './http/webhook-routes';
import { PortalPageModule } from './portal/portal-page.module';
import { WebhookMetrics } from './metrics/webhook-metrics';
import { WebhookMetricsCollector } from './metrics/webhook-metrics.collector';
import { WebhooksConfig } from './options/webhooks-config';
import {
  ConfigurableWebhooksModule,
  WEBHOOKS_ASYNC_OPTIONS_TYPE,
  WEBHOOKS_MODULE_OPTIONS,
  WEBHOOKS_OPTIONS_TYPE,
} from './options/webhooks-module-definition';
import { WebhooksModuleOptions } from './options/webhooks-module-options';
import { AfterCommitRegistration } from './outbox/after-commit.registration';
import { DeliveryQueue } from './outbox/delivery-queue.service';
import { OutboxRelay } from './outbox/outbox-relay.service';
import { QueueAdminController } from './queue-admin/queue-admin.controller';
import { QueueAdminService } from './queue-admin/queue-admin.service';
import { DeliveryShards, WEBHOOK_DELIVERY_QUEUES } from './redis/delivery-shards';
import { QueueConnections } from './redis/queue-connections';
import { deliveryQueuePrefix } from './redis/queue-shards';
import { WEBHOOKS_REDIS, WebhooksRedisClient, webhooksRedisProvider } from './redis/webhooks-redis';
import { LogRetentionProcessor } from './retention/log-retention.processor';
import { LogRetentionService } from './retention/log-retention.service';
import { PlaintextSecretEncryption } from './secrets/plaintext-secret-encryption';
import { WebhookSecretCipher } from './secrets/webhook-secret-cipher';
import { WebhookRateLimiter } from './throttling/webhook-rate-limiter';
import { HostResolver } from './url-guard/host-resolver';
import { UrlGuard } from './url-guard/url-guard';
import { WebhookUrlPolicy } from './url-guard/webhook-url.policy';
import { DELIVERY_JOB_OPTIONS, WEBHOOK_DELIVERY_QUEUE } from './delivery/webhook-queue';
import { WebhookDeliveriesController } from './delivery-logs/webhook-deliveries.controller';
import { WebhookLogsService } from './delivery-logs/webhook-logs.service';
import { WebhookRegistryService } from './endpoints/webhook-registry.service';
import { WebhookStatsService } from './delivery-logs/webhook-stats.service';
import { WebhookEventsController } from './event-history/webhook-events.controller';
import { EventHistoryService } from './event-history/event-history.service';
import { EventHistoryRepository } from './event-history/event-history.repository';
import { WebhookTestService } from './delivery-logs/webhook-test.service';
import { WebhooksController } from './endpoints/webhooks.controller';
import { PortalSessionsController } from './portal/portal-sessions.controller';
import { PortalSessionsService } from './portal/portal-sessions.service';
import { PortalTokens } from './portal/portal-token';
import { WebhooksService } from './webhooks.service';
import { DeliveryFailureRecorder } from './operational/delivery-failure-recorder';
import { OperationalEvents } from './operational/operational-events';
import { OperationalListeners } from './operational/operational-listeners';
import { WebhookFilterController } from './routing/webhook-filter.controller';

const entities = [Webhook, WebhookLog, WebhookEvent];

/**
 * Webhooks for a Nest app: `WebhooksModule.forRoot(options)` (or forRootAsync) once in the
 * app module, `WebhooksModule.forFeature({ events })` in each module that emits events, and
 * WebhooksService injected where they happen. Global, so producers need no other import.
 * The delivery worker, outbox relay and log retention run in processes with
 * options.worker.enabled (the default).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(entities),
    // Delivery shard 0 (the only queue with one shard; DeliveryShards adds the others).
    BullModule.registerQueueAsync({
      name: WEBHOOK_DELIVERY_QUEUE,
      inject: [QueueConnections],
      useFactory: (connections: QueueConnections) => ({
        // Its own prefix and connection, whatever the host's BullModule says. Producers fail
        // fast while Redis is down (the outbox relay catches up later); the worker gets a
        // worker's settings (workerOf).
        prefix: deliveryQueuePrefix(connections.keys, 0),
        connection: connections.producer(),
        defaultJobOptions: DELIVERY_JOB_OPTIONS,
      }),
    }),
  ],
  // QueueAdminController first: its `queue/*` routes must win over `:id` and `:id/stats`.
  controllers: [
    QueueAdminController,
    PortalSessionsController,
    WebhooksController,
    WebhookDeliveriesController,
    WebhookEventsController,
    WebhookFilterController,
  ],
  providers: [
    {
      provide: WebhooksConfig,
      inject: [WEBHOOKS_MODULE_OPTIONS],
      useFactory: (options: WebhooksModuleOptions) => WebhooksConfig.from(options),
    },
    {
      provide: EventCatalog,
      inject: [WebhooksConfig],
      useFactory: (config: WebhooksConfig) => {
        const catalog = new EventCatalog();
        catalog.declareAtBoot(config.events, 'WebhooksModule.forRoot({ events })');
        return catalog;
      },
    },
    {
      provide: WebhookMetrics,
      inject: [WebhooksConfig],
      useFactory: (config: WebhooksConfig) => new WebhookMetrics(config.metrics?.registry),
    },
    webhooksRedisProvider,
    QueueConnections,
    DeliveryShards,
    {
      provide: WEBHOOK_DELIVERY_QUEUES,
      inject: [DeliveryShards],
      useFactory: (shards: DeliveryShards) => shards.queues,
    },
    TenantGuard,
    AdminGuard,
    PortalTokens,
    PortalSessionsService,
    WebhooksService,
    WebhookRegistryService,
    WebhookLogsService,
    WebhookStatsService,
    EventHistoryService,
    EventHistoryRepository,
    WebhookTestService,
    WebhookDeliveryService,
    DeliveryFailureRecorder,
    OperationalEvents,
    OperationalListeners,
    WebhookHttpClient,
    DeliveryLogRepository,
    DayPartitions,
    DeliveryClaims,
    DeliveryQueue,
    AfterCommitRegistration,
    QueueAdminService,
    WebhookUrlPolicy,
    UrlGuard,
    HostResolver,
    WebhookMetricsCollector,
    WebhookSecretCipher,
    PlaintextSecretEncryption,
    // The worker role: idle unless options.worker.enabled.
    WebhookDeliveryProcessor,
    OutboxRelay,
    WebhookRateLimiter,
    LogRetentionService,
    LogRetentionProcessor,
  ],
  // QueueConnections: the shard 0 queue registration (a module of @nestjs/bullmq) reads it.
  exports: [
    WebhooksService,
    WebhooksConfig,
    EventCatalog,
    QueueConnections,
    WEBHOOK_DELIVERY_QUEUES,
  ],
})
export class WebhooksModule extends ConfigurableWebhooksModule implements OnApplicationShutdown {
  /** The module's TypeORM entities, for the host's DataSource `entities`. */
  static readonly entities = entities;

  constructor(@Inject(WEBHOOKS_REDIS) private readonly redis: WebhooksRedisClient) {
    super();
  }

  static override forRoot(options: typeof WEBHOOKS_OPTIONS_TYPE): DynamicModule {
    return WebhooksModule.mounted(super.forRoot(options));
  }

  static override forRootAsync(options: typeof WEBHOOKS_ASYNC_OPTIONS_TYPE): DynamicModule {
    return WebhooksModule.mounted(super.forRootAsync(options));
  }

  /**
   * Declares the event types a feature module emits. The catalog is the union of
   * `forRoot({ events })` and every forFeature; a type declared twice with different
   * definitions, or an invalid definition, stops the app at boot.
   */
  static forFeature({ events }: { events: readonly WebhookEventDefinition[] }): DynamicModule {
    return WebhookEventsFeatureModule.declaring(events, forFeatureSource(1));
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }

  private static mounted(module: DynamicModule): DynamicModule {
    return {
      ...module,
      global: true,
      imports: [
        ...(module.imports ?? []),
        PortalPageModule,
        webhookRoutes(WebhooksModule, PortalPageModule),
      ],
    };
  }
}
