import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhookLog } from './entities/webhook-log.entity';
import { Webhook } from './entities/webhook.entity';
import { WebhookUrlPolicy } from './url-guard/webhook-url.policy';
import { WEBHOOK_DELIVERY_QUEUE } from './webhook-queue';
import { WebhookRegistryService } from './webhook-registry.service';
import { WebhooksController } from './webhooks.controller';

@Module({
  imports: [
    TypeOrmModule.forFeature([Webhook, WebhookLog]),
    BullModule.registerQueue({ name: WEBHOOK_DELIVERY_QUEUE }),
  ],
  controllers: [WebhooksController],
  providers: [WebhookRegistryService, WebhookUrlPolicy],
  exports: [WebhookRegistryService],
})
export class WebhooksModule {}
