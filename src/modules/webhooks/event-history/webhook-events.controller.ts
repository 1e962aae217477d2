import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { Page } from '../http/pagination.dto';
import { TenantId } from '../http/request-tenant';
import { WebhooksApi } from '../http/webhooks-api';
import { TenantGuard } from '../http/webhooks-guards';
import { EventDetailResponse, EventPageResponse, EventSummaryResponse } from './dto/event.response';
import { ListEventsQuery } from './dto/list-events.query';
import { EventHistoryService } from './event-history.service';
import { EventIdParam } from './event-id-param';

/** The tenant's event history: every triggered event, and its deliveries to every endpoint. */
@ApiTags('webhook events')
@WebhooksApi(TenantGuard)
@Controller('webhook-events')
export class WebhookEventsController {
  constructor(private readonly history: EventHistoryService) {}

  @Get()
  @ApiOkResponse({ type: EventPageResponse })
  list(
    @TenantId() tenantId: string,
    @Query() query: ListEventsQuery,
  ): Promise<Page<EventSummaryResponse>> {
    return this.history.list(tenantId, query);
  }

  @Get(':eventId')
  @ApiParam({ name: 'eventId', description: 'The id triggerEvent returned or was given' })
  @ApiOkResponse({ type: EventDetailResponse })
  findOne(
    @TenantId() tenantId: string,
    @EventIdParam('eventId') eventId: string,
  ): Promise<EventDetailResponse> {
    return this.history.findOne(tenantId, eventId);
  }
}
