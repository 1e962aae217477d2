import { Module } from '@nestjs/common';
import { WebhookDeliveryProcessor } from './delivery/webhook-delivery.processor';
import { OutboxRelay } from './outbox/outbox-relay.service';
import { WebhookRateLimiter } from './throttling/webhook-rate-limiter';
import { WebhooksModule } from './webhooks.module';

/** The delivery worker and the outbox relay: present in processes with WORKER_ENABLED=true. */
@Module({
  imports: [WebhooksModule],
  providers: [WebhookDeliveryProcessor, OutboxRelay, WebhookRateLimiter],
})
export class WebhookWorkerModule {}
