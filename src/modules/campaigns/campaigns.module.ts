import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagesModule } from '../messages/messages.module';
import { WebhooksModule } from '../webhooks';
import { CAMPAIGN_EVENTS } from './campaign-events';
import { Campaign } from './campaign.entity';
import { CampaignsController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';

/**
 * Example producer module: it declares the campaign.* events it emits, and sends its messages
 * through MessagesModule's exported service.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Campaign]),
    MessagesModule,
    WebhooksModule.forFeature({ events: CAMPAIGN_EVENTS }),
  ],
  controllers: [CampaignsController],
  providers: [CampaignsService],
})
export class CampaignsModule {}
