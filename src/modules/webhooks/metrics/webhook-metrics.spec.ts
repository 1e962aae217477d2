import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { PROBE_TIMEOUT_MS } from './scraped-gauge';
import { WebhookMetrics } from './webhook-metrics';

const samplesOf = (text: string, name: string) =>
  text.split('\n').filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`));

describe('WebhookMetrics', () => {
  let debug: jest.SpyInstance;
  beforeEach(() => {
    debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });
  afterEach(() => debug.mockRestore());

  const render = (metrics: WebhookMetrics) => metrics.registry.metrics();

  it('exports every delivery outcome at 0 from the start, on the registry it is given', async () => {
    const registry = new Registry();
    const text = await render(new WebhookMetrics(registry));
    expect(samplesOf(text, 'webhook_deliveries_total')).toEqual([
      'webhook_deliveries_total{result="success"} 0',
      'webhook_deliveries_total{result="retry"} 0',
      'webhook_deliveries_total{result="failed"} 0',
      'webhook_deliveries_total{result="dropped"} 0',
    ]);
    expect(await registry.metrics()).toBe(text);
  });

  it('keeps a registry per instance, so two apps in one process do not collide', async () => {
    const one = new WebhookMetrics();
    const two = new WebhookMetrics();
    one.recordDelivery('success');
    expect(await one.registry.getSingleMetricAsString('webhook_deliveries_total')).toContain(
      'webhook_deliveries_total{result="success"} 1',
    );
    expect(await two.registry.getSingleMetricAsString('webhook_deliveries_total')).toContain(
      'webhook_deliveries_total{result="success"} 0',
    );
  });

  it('replaces a scraped gauge with what its probe read, on every scrape', async () => {
    const metrics = new WebhookMetrics();
    let lag = 12.5;
    metrics.relayLag.readWith(async () => [{ value: lag }]);
    metrics.queueJobs.readWith(async () => [
      { labels: { state: 'waiting' }, value: 3 },
      { labels: { state: 'delayed' }, value: 1 },
    ]);
    expect(samplesOf(await render(metrics), 'webhook_outbox_relay_lag_seconds')).toEqual([
      'webhook_outbox_relay_lag_seconds 12.5',
    ]);
    lag = 0;
    const text = await render(metrics);
    expect(samplesOf(text, 'webhook_outbox_relay_lag_seconds')).toEqual([
      'webhook_outbox_relay_lag_seconds 0',
    ]);
    expect(samplesOf(text, 'webhook_queue_jobs')).toEqual([
      'webhook_queue_jobs{state="waiting"} 3',
      'webhook_queue_jobs{state="delayed"} 1',
    ]);
  });

  it('leaves a gauge out of the scrape, not at 0 or stale, when its probe fails', async () => {
    const metrics = new WebhookMetrics();
    let fail = false;
    metrics.relayLag.readWith(async () => {
      if (fail) throw new Error('Postgres is down');
      return [{ value: 7 }];
    });
    expect(samplesOf(await render(metrics), 'webhook_outbox_relay_lag_seconds')).toHaveLength(1);
    fail = true;
    const text = await render(metrics);
    expect(text).toContain('# TYPE webhook_outbox_relay_lag_seconds gauge');
    expect(samplesOf(text, 'webhook_outbox_relay_lag_seconds')).toEqual([]);
    expect(debug).toHaveBeenCalledWith(expect.stringContaining('Postgres is down'));
  });

  describe('with a probe that never answers', () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] }));
    afterEach(() => jest.useRealTimers());

    it(`gives up on it after ${PROBE_TIMEOUT_MS} ms and still renders the rest`, async () => {
      const metrics = new WebhookMetrics();
      metrics.queueJobs.readWith(() => new Promise(() => undefined));
      metrics.relayLag.readWith(async () => [{ value: 1 }]);
      const rendering = render(metrics);
      await jest.advanceTimersByTimeAsync(PROBE_TIMEOUT_MS);
      const text = await rendering;
      expect(samplesOf(text, 'webhook_queue_jobs')).toEqual([]);
      expect(samplesOf(text, 'webhook_outbox_relay_lag_seconds')).toEqual([
        'webhook_outbox_relay_lag_seconds 1',
      ]);
    });
  });
});
