import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { MessagesService } from '../messages/messages.service';
import { WebhooksService } from '../webhooks';
import { Campaign } from './campaign.entity';
import { CampaignResponse } from './dto/campaign.response';
import { CreateCampaignDto } from './dto/create-campaign.dto';

@Injectable()
export class CampaignsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(Campaign) private readonly campaigns: Repository<Campaign>,
    private readonly messages: MessagesService,
    private readonly webhooks: WebhooksService,
  ) {}

  /** A draft announces nothing: subscribers hear about a campaign when it starts. */
  create(tenantId: string, dto: CreateCampaignDto): Promise<Campaign> {
    return this.campaigns.save(
      this.campaigns.create({
        tenantId,
        name: dto.name,
        recipients: dto.recipients,
        status: 'draft',
        startedAt: null,
        completedAt: null,
      }),
    );
  }

  /**
   * Starts, sends and completes a draft campaign in one transaction: its messages and all
   * their events commit together or not at all, so a failure half-way leaves a draft that can
   * simply be started again. Event ids derive from the campaign and message ids, so nothing
   * is delivered twice.
   */
  start(tenantId: string, id: string): Promise<Campaign> {
    return this.db.transaction(async (manager) => {
      // Concurrent starts queue on the row lock; all but the first then find it no longer a draft.
      const campaign = await manager.findOne(Campaign, {
        where: { id, tenantId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!campaign) throw new NotFoundException('Campaign not found');
      if (campaign.status !== 'draft') {
        throw new ConflictException(`Campaign is ${campaign.status}; only a draft can start`);
      }

      campaign.status = 'running';
      campaign.startedAt = new Date();
      await this.saveAndAnnounce(manager, campaign, 'campaign.started');
      // The example has no template: each recipient gets the campaign name as the message body.
      for (const to of campaign.recipients) {
        await this.messages.send(tenantId, { to, body: campaign.name }, manager);
      }
      campaign.status = 'completed';
      campaign.completedAt = new Date();
      await this.saveAndAnnounce(manager, campaign, 'campaign.completed');
      return campaign;
    });
  }

  private async saveAndAnnounce(
    manager: EntityManager,
    campaign: Campaign,
    type: 'campaign.started' | 'campaign.completed',
  ): Promise<void> {
    await manager.save(campaign);
    await this.webhooks.triggerEvent(
      campaign.tenantId,
      type,
      { campaign: CampaignResponse.from(campaign) },
      { manager, eventId: `${type}:${campaign.id}` },
    );
  }
}
