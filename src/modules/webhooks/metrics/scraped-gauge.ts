import { Logger } from '@nestjs/common';
import { Gauge, LabelValues, MetricObjectWithValues, MetricValue } from 'prom-client';
import { withTimeout } from '../support/with-timeout';

/** One value of a gauge read when Prometheus scrapes. */
export interface GaugeSample<T extends string = string> {
  labels?: LabelValues<T>;
  value: number;
}

/** Each read gets this long; one that takes longer (Redis down, …) is skipped for this scrape. */
export const PROBE_TIMEOUT_MS = 1000;

const logger = new Logger('WebhookMetrics');

/**
 * A gauge read from outside the process at scrape time (queue depth, relay lag), by whatever
 * registry it is registered on. When that read fails or takes longer than PROBE_TIMEOUT_MS the
 * gauge has no samples at all, rather than a stale value or prom-client's 0 for an unlabelled
 * gauge, so dashboards show a gap and `absent()` can alert.
 */
export class ScrapedGauge<T extends string = string> extends Gauge<T> {
  private read?: () => Promise<ReadonlyArray<GaugeSample<T>>>;

  /** Sets how the gauge is read; it has no samples until then. */
  readWith(read: () => Promise<ReadonlyArray<GaugeSample<T>>>): void {
    this.read = read;
  }

  override async get(): Promise<MetricObjectWithValues<MetricValue<T>>> {
    this.reset();
    const known = await this.scrape();
    const metric = await super.get();
    return known ? metric : { ...metric, values: [] };
  }

  private async scrape(): Promise<boolean> {
    if (!this.read) return false;
    try {
      const samples = await withTimeout(
        this.read(),
        PROBE_TIMEOUT_MS,
        `no answer within ${PROBE_TIMEOUT_MS} ms`,
      );
      for (const { labels, value } of samples) this.set(labels ?? {}, value);
      return true;
    } catch (error) {
      logger.debug(`A metrics probe was skipped: ${(error as Error).message}`);
      return false;
    }
  }
}
