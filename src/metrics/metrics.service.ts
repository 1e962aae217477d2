import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { withTimeout } from '../modules/webhooks/support/with-timeout';
import { GaugeSample, ScrapedGauge } from '../modules/webhooks/metrics/scraped-gauge';

export const DELIVERY_RESULTS = ['success', 'retry', 'failed', 'dropped'] as const;
export type DeliveryResult = (typeof DELIVERY_RESULTS)[number];

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'paused'] as const;

/** Each probe gets this long; one that takes longer (Redis down, …) is skipped for this scrape. */
export const PROBE_TIMEOUT_MS = 1000;

/**
 * The process's Prometheus metrics. A registry per instance (not prom-client's global one),
 * so several apps in one process (tests) never collide on metric names.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly logger = new Logger(MetricsService.name);
  private readonly probes: Array<() => Promise<void>> = [];

  /** Outcome of each delivery attempt. */
  readonly deliveries = new Counter({
    name: 'webhook_deliveries_total',
    help: 'Delivery attempts by outcome: success; retry (another attempt scheduled); failed (no more attempts); dropped (the delivery was already final or deleted)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly deliveryDuration = new Histogram({
    name: 'webhook_delivery_duration_seconds',
    help: 'Duration of the HTTP request of one delivery attempt, until the response body was read or the attempt failed',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30],
    registers: [this.registry],
  });

  readonly triggerToDelivery = new Histogram({
    name: 'webhook_trigger_to_delivery_seconds',
    help: 'Time from the creation of a delivery (the event being triggered) to its successful delivery, retries included',
    buckets: [
      0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400,
    ],
    registers: [this.registry],
  });

  readonly queueJobs = new ScrapedGauge({
    name: 'webhook_queue_jobs',
    help: 'Jobs in the BullMQ delivery queue by state, read when scraped; absent when Redis did not answer',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly relayLag = new ScrapedGauge({
    name: 'webhook_outbox_relay_lag_seconds',
    help: 'Age of the oldest delivery that is due (pending or retrying, next attempt in the past); 0 when none is, absent when Postgres did not answer',
    registers: [this.registry],
  });

  readonly relayed = new Counter({
    name: 'webhook_outbox_relayed_total',
    help: 'Deliveries the outbox relay put back on the queue because they had no job',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Every outcome is exported from the start, so rate() and absent() work before it happens.
    for (const result of DELIVERY_RESULTS) this.deliveries.inc({ result }, 0);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * `read` runs before every scrape and replaces the gauge's values. When it fails or takes
   * longer than PROBE_TIMEOUT_MS the gauge has no values in that scrape (never stale ones).
   */
  onScrape<T extends string>(
    gauge: ScrapedGauge<T>,
    read: () => Promise<Array<GaugeSample<T>>>,
  ): void {
    this.probes.push(async () => {
      try {
        gauge.replace(
          await withTimeout(read(), PROBE_TIMEOUT_MS, `no answer within ${PROBE_TIMEOUT_MS} ms`),
        );
      } catch (error) {
        gauge.forget();
        this.logger.debug(`A metrics probe was skipped: ${(error as Error).message}`);
      }
    });
  }

  recordDelivery(result: DeliveryResult): void {
    this.deliveries.inc({ result });
  }

  /** The text exposition of every metric, after the probes ran (each bounded in time). */
  async render(): Promise<string> {
    await Promise.all(this.probes.map((probe) => probe()));
    return this.registry.metrics();
  }
}
