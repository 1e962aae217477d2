import { Logger } from '@nestjs/common';
import { MetricsService, PROBE_TIMEOUT_MS } from './metrics.service';

const samplesOf = (text: string, name: string) =>
  text.split('\n').filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`));

describe('MetricsService', () => {
  let debug: jest.SpyInstance;
  beforeEach(() => {
    debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });
  afterEach(() => debug.mockRestore());

  it('exports every delivery outcome at 0 from the start, next to the default process metrics', async () => {
    const text = await new MetricsService().render();
    expect(samplesOf(text, 'webhook_deliveries_total')).toEqual([
      'webhook_deliveries_total{result="success"} 0',
      'webhook_deliveries_total{result="retry"} 0',
      'webhook_deliveries_total{result="failed"} 0',
      'webhook_deliveries_total{result="dropped"} 0',
    ]);
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
  });

  it('keeps a registry per instance, so two apps in one process do not collide', async () => {
    const one = new MetricsService();
    const two = new MetricsService();
    one.recordDelivery('success');
    expect(await one.registry.getSingleMetricAsString('webhook_deliveries_total')).toContain(
      'webhook_deliveries_total{result="success"} 1',
    );
    expect(await two.registry.getSingleMetricAsString('webhook_deliveries_total')).toContain(
      'webhook_deliveries_total{result="success"} 0',
    );
  });

  it('replaces a scraped gauge with what its probe read, on every scrape', async () => {
    const metrics = new MetricsService();
    let lag = 12.5;
    metrics.onScrape(metrics.relayLag, async () => [{ value: lag }]);
    metrics.onScrape(metrics.queueJobs, async () => [
      { labels: { state: 'waiting' }, value: 3 },
      { labels: { state: 'delayed' }, value: 1 },
    ]);
    expect(samplesOf(await metrics.render(), 'webhook_outbox_relay_lag_seconds')).toEqual([
      'webhook_outbox_relay_lag_seconds 12.5',
    ]);
    lag = 0;
    const text = await metrics.render();
    expect(samplesOf(text, 'webhook_outbox_relay_lag_seconds')).toEqual([
      'webhook_outbox_relay_lag_seconds 0',
    ]);
    expect(samplesOf(text, 'webhook_queue_jobs')).toEqual([
      'webhook_queue_jobs{state="waiting"} 3',
      'webhook_queue_jobs{state="delayed"} 1',
    ]);
  });

  it('leaves a gauge out of the scrape, not at 0 or stale, when its probe fails', async () => {
    const metrics = new MetricsService();
    let fail = false;
    metrics.onScrape(metrics.relayLag, async () => {
      if (fail) throw new Error('Postgres is down');
      return [{ value: 7 }];
    });
    expect(samplesOf(await metrics.render(), 'webhook_outbox_relay_lag_seconds')).toHaveLength(1);
    fail = true;
    const text = await metrics.render();
    expect(text).toContain('# TYPE webhook_outbox_relay_lag_seconds gauge');
    expect(samplesOf(text, 'webhook_outbox_relay_lag_seconds')).toEqual([]);
    expect(debug).toHaveBeenCalledWith(expect.stringContaining('Postgres is down'));
  });

  describe('with a probe that never answers', () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] }));
    afterEach(() => jest.useRealTimers());

    it(`gives up on it after ${PROBE_TIMEOUT_MS} ms and still renders the rest`, async () => {
      const metrics = new MetricsService();
      metrics.onScrape(metrics.queueJobs, () => new Promise(() => undefined));
      metrics.onScrape(metrics.relayLag, async () => [{ value: 1 }]);
      const rendering = metrics.render();
      await jest.advanceTimersByTimeAsync(PROBE_TIMEOUT_MS);
      const text = await rendering;
      expect(samplesOf(text, 'webhook_queue_jobs')).toEqual([]);
      expect(samplesOf(text, 'webhook_outbox_relay_lag_seconds')).toEqual([
        'webhook_outbox_relay_lag_seconds 1',
      ]);
    });
  });
});
