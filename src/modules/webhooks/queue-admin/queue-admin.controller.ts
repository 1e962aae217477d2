import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminGuard } from '../http/webhooks-guards';
import { WebhooksApi } from '../http/webhooks-api';
import { QueuePauseResponse, QueueStatsResponse } from './queue-admin.response';
import { QueuedResponse } from '../delivery-logs/dto/recover.dto';
import { QueueAdminService } from './queue-admin.service';

/**
 * The delivery queue for operators (admin role). Registered before the other webhook
 * controllers so `queue/stats` is not taken for `:id/stats` with id "queue".
 */
@ApiTags('webhook queue (admin)')
@ApiUnauthorizedResponse({ description: 'Missing, invalid or expired token' })
@ApiForbiddenResponse({ description: 'The token lacks the admin role' })
@WebhooksApi(AdminGuard)
@Controller('webhooks/queue')
export class QueueAdminController {
  constructor(private readonly queue: QueueAdminService) {}

  @Get('stats')
  @ApiOperation({ summary: 'Job counts of the delivery queue, all tenants' })
  @ApiOkResponse({ type: QueueStatsResponse })
  stats(): Promise<QueueStatsResponse> {
    return this.queue.stats();
  }

  @Post('retry-failed')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run every failed delivery job again' })
  @ApiAcceptedResponse({ type: QueuedResponse, description: 'How many jobs were re-queued' })
  async retryFailed(): Promise<QueuedResponse> {
    return { queued: await this.queue.retryFailed() };
  }

  @Post('pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop all workers from starting deliveries; running ones finish' })
  @ApiOkResponse({ type: QueuePauseResponse })
  async pause(): Promise<QueuePauseResponse> {
    await this.queue.pause();
    return { isPaused: await this.queue.isPaused() };
  }

  @Post('resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Let workers start deliveries again' })
  @ApiOkResponse({ type: QueuePauseResponse })
  async resume(): Promise<QueuePauseResponse> {
    await this.queue.resume();
    return { isPaused: await this.queue.isPaused() };
  }
}
