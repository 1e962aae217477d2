import { Body, Controller, HttpCode, Post, UseGuards, Param, ParseUUIDPipe } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiTags,
} from '@nestjs/swagger';
import { JwtAuthGuard } from '../../common/auth/jwt-auth.guard';
import { TenantId } from '../../common/auth/tenant.decorator';
import { CampaignsService } from './campaigns.service';
import { CampaignResponse } from './dto/campaign.response';
import { CreateCampaignDto } from './dto/create-campaign.dto';

/** Example producer of `campaign.*` events, which also sends messages in its transaction. */
@ApiTags('campaigns')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('api/v1/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  @ApiCreatedResponse({ type: CampaignResponse, description: 'A draft; emits no event' })
  @ApiBadRequestResponse({ description: 'Invalid body' })
  async create(
    @TenantId() tenantId: string,
    @Body() dto: CreateCampaignDto,
  ): Promise<CampaignResponse> {
    return CampaignResponse.from(await this.campaigns.create(tenantId, dto));
  }

  @Post(':id/start')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: CampaignResponse,
    description: 'Emits campaign.started, one message.sent per recipient, campaign.completed',
  })
  @ApiNotFoundResponse({ description: 'No such campaign for this tenant' })
  @ApiConflictResponse({ description: 'The campaign is not a draft' })
  async start(
    @TenantId() tenantId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<CampaignResponse> {
    return CampaignResponse.from(await this.campaigns.start(tenantId, id));
  }
}
