import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The example app's Prometheus registry: the process's default metrics, and the webhook
 * metrics WebhooksModule registers on it (options.metrics). One registry per instance, so
 * several apps in one process (tests) never collide on metric names.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition of every metric; scraped gauges read their source (each bounded). */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
