import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { WebhookDeliveryProcessor } from './delivery/webhook-delivery.processor';
import { OutboxRelay } from './outbox/outbox-relay.service';
import { LogRetentionProcessor, MAINTENANCE_QUEUE } from './retention/log-retention.processor';
import { LogRetentionService } from './retention/log-retention.service';
import { WebhookRateLimiter } from './throttling/webhook-rate-limiter';
import { WebhooksModule } from './webhooks.module';

/** Delivery worker, outbox relay and log retention: present in processes with WORKER_ENABLED=true. */
@Module({
  imports: [WebhooksModule, BullModule.registerQueue({ name: MAINTENANCE_QUEUE })],
  providers: [
    WebhookDeliveryProcessor,
    OutboxRelay,
    WebhookRateLimiter,
    LogRetentionService,
    LogRetentionProcessor,
  ],
})
export class WebhookWorkerModule {}
