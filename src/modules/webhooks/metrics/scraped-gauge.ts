import { Gauge, LabelValues, MetricObjectWithValues, MetricValue } from 'prom-client';

/** One value of a gauge read when Prometheus scrapes. */
export interface GaugeSample<T extends string = string> {
  labels?: LabelValues<T>;
  value: number;
}

/**
 * A gauge read from outside the process at scrape time (queue depth, relay lag). When that
 * read fails the gauge has no samples at all, rather than a stale value or prom-client's 0 for
 * an unlabelled gauge, so dashboards show a gap and `absent()` can alert.
 */
export class ScrapedGauge<T extends string = string> extends Gauge<T> {
  private known = false;

  /** Replaces every sample with these. */
  replace(samples: ReadonlyArray<GaugeSample<T>>): void {
    this.reset();
    for (const { labels, value } of samples) this.set(labels ?? {}, value);
    this.known = true;
  }

  /** Withdraws every sample until the next replace(). */
  forget(): void {
    this.reset();
    this.known = false;
  }

  override async get(): Promise<MetricObjectWithValues<MetricValue<T>>> {
    const metric = await super.get();
    return this.known ? metric : { ...metric, values: [] };
  }
}
