import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import { MetricsService, QUEUE_STATES, QueueState } from '../../metrics/metrics.service';
import { DeliveryJobData, WEBHOOK_DELIVERY_QUEUE } from './webhook-queue';

/**
 * The gauges read at scrape time: job counts of the delivery queue (Redis) and the age of the
 * oldest due delivery (Postgres, through the partial index idx_webhook_logs_due). Both are the
 * same for every process; aggregate them with max(), not sum().
 */
@Injectable()
export class WebhookMetricsCollector implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly queue: Queue<DeliveryJobData>,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  onModuleInit(): void {
    this.metrics.onScrape(this.metrics.queueJobs, async () => {
      // BullMQ 6 has no `paused` list: a paused queue keeps its jobs in `wait`/`prioritized`.
      // As in the queue admin stats, ready jobs count as `paused` while the queue is paused.
      const [counts, isPaused] = await Promise.all([
        this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
        this.queue.isPaused(),
      ]);
      const ready = counts.waiting + counts.prioritized;
      const byState: Record<QueueState, number> = {
        waiting: isPaused ? 0 : ready,
        active: counts.active,
        delayed: counts.delayed,
        failed: counts.failed,
        paused: isPaused ? ready : 0,
      };
      return QUEUE_STATES.map((state) => ({ labels: { state }, value: byState[state] }));
    });
    this.metrics.onScrape(this.metrics.relayLag, async () => {
      const [row] = await queryRows<{ lag: number }>(
        this.db,
        `SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(next_attempt_at)), 0)::float8 AS lag
           FROM webhook_logs
          WHERE status IN ('pending', 'retrying') AND next_attempt_at <= now()`,
      );
      return [{ value: Math.max(0, Number(row.lag)) }];
    });
  }
}
