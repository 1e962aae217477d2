import { Injectable } from '@nestjs/common';
import { DeliveryLogRepository } from './delivery-log.repository';
import { StatsPeriod, StatsResponse } from './dto/stats.dto';
import { TimeseriesPeriod, TimeseriesResponse } from './dto/stats-timeseries.dto';
import { WebhookRegistryService } from '../endpoints/webhook-registry.service';

const PERIOD_INTERVALS: Record<StatsPeriod, string | null> = {
  '24h': '24 hours',
  '7d': '7 days',
  '30d': '30 days',
  all: null,
};

/**
 * The time series' buckets per period: 24 hours, then 28 blocks of 6 hours (a week at a
 * resolution a chart can show; 168 hourly bars would be a few pixels each), then 30 days.
 */
const TIMESERIES_BUCKETS: Record<TimeseriesPeriod, { seconds: number; count: number }> = {
  '24h': { seconds: 3_600, count: 24 },
  '7d': { seconds: 21_600, count: 28 },
  '30d': { seconds: 86_400, count: 30 },
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

  /** Successful and failed deliveries and response times per bucket, oldest bucket first. */
  async timeseries(
    tenantId: string,
    webhookId: string,
    period: TimeseriesPeriod,
  ): Promise<TimeseriesResponse> {
    await this.registry.assertOwned(tenantId, webhookId);
    const { seconds, count } = TIMESERIES_BUCKETS[period];
    const rows = await this.logs.timeseries(tenantId, webhookId, seconds, count);
    return {
      period,
      bucketSeconds: seconds,
      buckets: rows.map((row) => ({
        start: row.start,
        successful: row.successful,
        failed: row.failed,
        p50ResponseTimeMs: row.p50 === null ? null : round(Number(row.p50)),
        p95ResponseTimeMs: row.p95 === null ? null : round(Number(row.p95)),
      })),
    };
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
