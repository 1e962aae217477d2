import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Campaign, CAMPAIGN_STATUSES, CampaignStatus } from '../campaign.entity';

/** The API representation of a campaign; `campaign.*` events carry exactly this as `data.campaign`. */
export class CampaignResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: CAMPAIGN_STATUSES }) status: CampaignStatus;
  @ApiProperty({ type: [String] }) recipients: string[];
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) startedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) completedAt: Date | null;

  static from(campaign: Campaign): CampaignResponse {
    return {
      id: campaign.id,
      name: campaign.name,
      status: campaign.status,
      recipients: campaign.recipients,
      createdAt: campaign.createdAt,
      startedAt: campaign.startedAt,
      completedAt: campaign.completedAt,
    };
  }
}
