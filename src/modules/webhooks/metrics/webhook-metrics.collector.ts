import { Injectable, OnModuleInit } from '@nestjs/common';
import { DeliveryLogRepository } from '../delivery-logs/delivery-log.repository';
import { QUEUE_STATES, WebhookMetrics } from './webhook-metrics';
import { QueueAdminService } from '../queue-admin/queue-admin.service';
import { DayPartitions } from '../partitions/day-partitions.service';

/**
 * The gauges read at scrape time: job counts of the delivery queue (Redis, counted as the
 * queue admin stats count them), the age of the oldest due delivery (Postgres, through the
 * partial index idx_webhook_logs_due) and how many days ahead the day partitions reach. All
 * are the same for every process; aggregate them with max(), not sum().
 */
@Injectable()
export class WebhookMetricsCollector implements OnModuleInit {
  constructor(
    private readonly metrics: WebhookMetrics,
    private readonly queueAdmin: QueueAdminService,
    private readonly logs: DeliveryLogRepository,
    private readonly partitions: DayPartitions,
  ) {}

  onModuleInit(): void {
    this.metrics.queueJobs.readWith(async () => {
      const stats = await this.queueAdmin.stats();
      return QUEUE_STATES.map((state) => ({ labels: { state }, value: stats[state] }));
    });
    this.metrics.relayLag.readWith(async () => {
      const lag = await this.logs.oldestWaitingAgeSeconds();
      return [{ value: Math.max(0, lag) }];
    });
    this.metrics.partitionDaysAhead.readWith(async () => [
      { value: await this.partitions.daysAhead() },
    ]);
  }
}
