import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from './database/query-rows';
import { StatsPeriod, StatsResponse } from './dto/stats.dto';
import { WebhookRegistryService } from './webhook-registry.service';

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
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: WebhookRegistryService,
  ) {}

  async stats(tenantId: string, webhookId: string, period: StatsPeriod): Promise<StatsResponse> {
    const webhook = await this.registry.findActivity(tenantId, webhookId);
    const [row] = await queryRows(
      this.db,
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE status = 'success')::int AS successful,
              count(*) FILTER (WHERE status = 'failed')::int AS failed,
              count(*) FILTER (WHERE status IN ('pending', 'sending', 'retrying'))::int AS pending,
              avg(response_time_ms) AS average,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY response_time_ms) AS p95
         FROM webhook_logs
        WHERE webhook_id = $1 AND tenant_id = $2
          AND ($3::interval IS NULL OR created_at >= now() - $3::interval)`,
      [webhookId, tenantId, PERIOD_INTERVALS[period]],
    );
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
