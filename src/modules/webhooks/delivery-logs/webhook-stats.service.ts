import { Injectable } from '@nestjs/common';
import { DeliveryLogRepository } from './delivery-log.repository';
import { StatsPeriod, StatsResponse } from './dto/stats.dto';
import { WebhookRegistryService } from '../endpoints/webhook-registry.service';

const PERIOD_INTERVALS: Record<StatsPeriod, string | null> = {
  '24h': '24 hours',
  '7d': '7 days',
  '30d': '30 days',
  all: null,
};

/** Delivery statistics of one webhook over a period, computed from its logs. */
@Injectable()
export class WebhookStatsService {
  constructor(
    private readonly logs: DeliveryLogRepository,
    private readonly registry: WebhookRegistryService,
  ) {}

  async stats(tenantId: string, webhookId: string, period: StatsPeriod): Promise<StatsResponse> {
    const webhook = await this.registry.findActivity(tenantId, webhookId);
    const row = await this.logs.stats(tenantId, webhookId, PERIOD_INTERVALS[period]);
    const finished = row.successful + row.failed;
    return {
      period,
      totalDeliveries: row.total,
      successfulDeliveries: row.successful,
      failedDeliveries: row.failed,
      pendingDeliveries: row.pending,
      successRate: finished === 0 ? 0 : round((row.successful / finished) * 100),
      averageResponseTimeMs: row.average === null ? null : round(Number(row.average)),
      p95ResponseTimeMs: row.p95 === null ? null : round(Number(row.p95)),
      lastTriggeredAt: webhook.lastTriggeredAt,
      lastSuccessAt: webhook.lastSuccessAt,
      lastFailureAt: webhook.lastFailureAt,
      consecutiveFailures: webhook.consecutiveFailures,
    };
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
