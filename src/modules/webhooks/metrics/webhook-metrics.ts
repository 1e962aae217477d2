import { Counter, Histogram, Registry } from 'prom-client';
import { ScrapedGauge } from './scraped-gauge';

export const DELIVERY_RESULTS = ['success', 'retry', 'failed', 'dropped'] as const;
export type DeliveryResult = (typeof DELIVERY_RESULTS)[number];

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'paused'] as const;

/**
 * The module's Prometheus metrics, on the registry the host gave (options.metrics) or on one
 * of their own that nothing exports. Never prom-client's global registry, so several apps in
 * one process (tests) never collide on metric names.
 */
export class WebhookMetrics {
  /** Outcome of each delivery attempt. */
  readonly deliveries: Counter<'result'>;
  readonly deliveryDuration: Histogram;
  readonly triggerToDelivery: Histogram;
  readonly queueJobs: ScrapedGauge<'state'>;
  readonly relayLag: ScrapedGauge;
  readonly relayed: Counter;
  readonly partitionDaysAhead: ScrapedGauge;

  constructor(readonly registry: Registry = new Registry()) {
    const registers = [registry];
    this.deliveries = new Counter({
      name: 'webhook_deliveries_total',
      help: 'Delivery attempts by outcome: success; retry (another attempt scheduled); failed (no more attempts); dropped (the delivery was already final or deleted)',
      labelNames: ['result'] as const,
      registers,
    });
    this.deliveryDuration = new Histogram({
      name: 'webhook_delivery_duration_seconds',
      help: 'Duration of the HTTP request of one delivery attempt, until the response body was read or the attempt failed',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30],
      registers,
    });
    this.triggerToDelivery = new Histogram({
      name: 'webhook_trigger_to_delivery_seconds',
      help: 'Time from the creation of a delivery (the event being triggered) to its successful delivery, retries included',
      buckets: [
        0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400,
      ],
      registers,
    });
    this.queueJobs = new ScrapedGauge({
      name: 'webhook_queue_jobs',
      help: 'Jobs in the BullMQ delivery queue by state, read when scraped; absent when Redis did not answer',
      labelNames: ['state'] as const,
      registers,
    });
    this.relayLag = new ScrapedGauge({
      name: 'webhook_outbox_relay_lag_seconds',
      help: 'Age of the oldest delivery that is due (pending or retrying, next attempt in the past); 0 when none is, absent when Postgres did not answer',
      registers,
    });
    this.relayed = new Counter({
      name: 'webhook_outbox_relayed_total',
      help: 'Deliveries the outbox relay put back on the queue because they had no job',
      registers,
    });
    this.partitionDaysAhead = new ScrapedGauge({
      name: 'webhook_partition_days_ahead',
      help: 'Whole days after today covered by day partitions of both webhook_logs and webhook_events (7 when maintenance keeps up); absent when Postgres did not answer',
      registers,
    });
    // Every outcome is exported from the start, so rate() and absent() work before it happens.
    for (const result of DELIVERY_RESULTS) this.deliveries.inc({ result }, 0);
  }

  recordDelivery(result: DeliveryResult): void {
    this.deliveries.inc({ result });
  }
}
