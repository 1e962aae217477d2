import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { TenantGuard } from '../http/webhooks-guards';
import { WebhooksApi } from '../http/webhooks-api';
import { TenantId } from '../http/request-tenant';
import { Page } from '../http/pagination.dto';
import { UuidParam } from '../http/validation/uuid-param';
import { ListLogsQuery } from './dto/list-logs.query';
import { LogDetailResponse, LogPageResponse, LogResponse } from './dto/log.response';
import { QueuedResponse, RecoverDto } from './dto/recover.dto';
import { StatsQuery, StatsResponse } from './dto/stats.dto';
import { TimeseriesQuery, TimeseriesResponse } from './dto/stats-timeseries.dto';
import { TestWebhookDto, TestWebhookResponse } from './dto/test-webhook.dto';
import { WebhookLogsService } from './webhook-logs.service';
import { WebhookStatsService } from './webhook-stats.service';
import { WebhookTestService } from './webhook-test.service';

/** Test sends, delivery logs, manual retries and statistics of one webhook. */
@ApiTags('webhook deliveries')
@WebhooksApi(TenantGuard)
@Controller('webhooks/:id')
export class WebhookDeliveriesController {
  constructor(
    private readonly tests: WebhookTestService,
    private readonly logs: WebhookLogsService,
    private readonly statistics: WebhookStatsService,
  ) {}

  @Post('test')
  @HttpCode(200)
  @ApiOkResponse({ type: TestWebhookResponse })
  test(
    @TenantId() tenantId: string,
    @UuidParam('id') id: string,
    @Body() dto: TestWebhookDto,
  ): Promise<TestWebhookResponse> {
    return this.tests.send(tenantId, id, dto);
  }

  @Get('logs')
  @ApiOkResponse({ type: LogPageResponse })
  async listLogs(
    @TenantId() tenantId: string,
    @UuidParam('id') id: string,
    @Query() query: ListLogsQuery,
  ): Promise<Page<LogResponse>> {
    const page = await this.logs.list(tenantId, id, query);
    return { data: page.data.map((log) => LogResponse.from(log)), meta: page.meta };
  }

  @Get('logs/:logId')
  @ApiOkResponse({ type: LogDetailResponse })
  async getLog(
    @TenantId() tenantId: string,
    @UuidParam('id') id: string,
    @UuidParam('logId') logId: string,
  ): Promise<LogDetailResponse> {
    return LogDetailResponse.fromDetail(await this.logs.findOne(tenantId, id, logId));
  }

  @Post('logs/:logId/retry')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'Queued again now' })
  async retry(
    @TenantId() tenantId: string,
    @UuidParam('id') id: string,
    @UuidParam('logId') logId: string,
  ): Promise<{ queued: number }> {
    await this.logs.retry(tenantId, id, logId);
    return { queued: 1 };
  }

  @Post('recover')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: QueuedResponse })
  async recover(
    @TenantId() tenantId: string,
    @UuidParam('id') id: string,
    @Body() dto: RecoverDto,
  ): Promise<QueuedResponse> {
    return { queued: await this.logs.recover(tenantId, id, dto.since) };
  }

  @Get('stats')
  @ApiOkResponse({ type: StatsResponse })
  stats(
    @TenantId() tenantId: string,
    @UuidParam('id') id: string,
    @Query() query: StatsQuery,
  ): Promise<StatsResponse> {
    return this.statistics.stats(tenantId, id, query.period);
  }

  @Get('stats/timeseries')
  @ApiOkResponse({ type: TimeseriesResponse })
  timeseries(
    @TenantId() tenantId: string,
    @UuidParam('id') id: string,
    @Query() query: TimeseriesQuery,
  ): Promise<TimeseriesResponse> {
    return this.statistics.timeseries(tenantId, id, query.period);
  }
}
