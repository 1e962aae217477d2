import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { WebhookRegistryService } from '../endpoints/webhook-registry.service';
import { TenantId } from '../http/request-tenant';
import { ReadOnlySafe } from '../http/route-access';
import { UuidParam } from '../http/validation/uuid-param';
import { WebhooksApi } from '../http/webhooks-api';
import { TenantGuard } from '../http/webhooks-guards';
import { FilterTestDto, FilterTestResponse } from './dto/filter-test.dto';
import { testFilter } from './filter-test';

/** Tries a webhook's stored payload filter on an example event, writing nothing. */
@ApiTags('webhooks')
@WebhooksApi(TenantGuard)
@Controller('webhooks/:id/filter')
export class WebhookFilterController {
  constructor(private readonly registry: WebhookRegistryService) {}

  @Post('test')
  @HttpCode(200)
  @ReadOnlySafe()
  @ApiOkResponse({ type: FilterTestResponse })
  async test(
    @TenantId() tenantId: string,
    @UuidParam('id') id: string,
    @Body() dto: FilterTestDto,
  ): Promise<FilterTestResponse> {
    const webhook = await this.registry.findOne(tenantId, id);
    return { matches: testFilter(webhook.filter, dto.payload) };
  }
}
