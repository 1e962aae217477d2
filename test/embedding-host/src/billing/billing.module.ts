import { Module } from '@nestjs/common';
import { WebhooksModule } from 'nest-webhooks';
import { BillingController } from './billing.controller';
import { BillingService } from './billing.service';
import { invoiceEvents } from './invoice-events';

/** A producer module: declares its event types and injects WebhooksService. */
@Module({
  imports: [WebhooksModule.forFeature({ events: invoiceEvents })],
  controllers: [BillingController],
  providers: [BillingService],
})
export class BillingModule {}
