import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp, webhookBody } from './helpers/test-app';
import { insertDeliveryRows, InsertedRow } from './helpers/delivery-rows';

const BASE = '/api/v1/webhooks';
const HOUR = 3_600_000;
const DAY = 86_400_000;

interface Bucket {
  start: string;
  successful: number;
  failed: number;
  p50ResponseTimeMs: number | null;
  p95ResponseTimeMs: number | null;
}
interface Series {
  period: string;
  bucketSeconds: number;
  buckets: Bucket[];
}

const EMPTY = { successful: 0, failed: 0, p50ResponseTimeMs: null, p95ResponseTimeMs: null };

describe('Stats time series (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function setup() {
    const tenantId = randomUUID();
    const tenant = t.as(tenantId);
    const webhook = (await tenant.post(BASE, webhookBody()).expect(201)).body as { id: string };
    /** Final rows `age` ago (never due, so no worker touches them), with these response times. */
    const rows = async (age: string, status: string, times: Array<number | null>) => {
      const inserted = await insertDeliveryRows(t.dataSource, {
        tenantId,
        webhookId: webhook.id,
        status,
        age,
        count: times.length,
        completed: true,
      });
      await t.dataSource.query(
        `UPDATE webhook_logs l SET response_time_ms = t.ms
           FROM unnest($1::uuid[], $2::int[]) AS t(id, ms) WHERE l.id = t.id`,
        [inserted.map((row) => row.id), times],
      );
      return inserted;
    };
    const series = async (period: string) => {
      const before = Date.now();
      const body = (
        await tenant.get(`${BASE}/${webhook.id}/stats/timeseries?period=${period}`).expect(200)
      ).body as Series;
      return { body, before, after: Date.now() };
    };
    return { tenantId, tenant, webhook, rows, series };
  }

  /** The index of the bucket holding `row`: found from the answer, so an hour ticking over between insert and request moves nothing. */
  function bucketOf(body: Series, row: InsertedRow): number {
    const index = body.buckets.findIndex((bucket) => {
      const start = Date.parse(bucket.start);
      return start <= row.createdAt && row.createdAt < start + body.bucketSeconds * 1000;
    });
    expect(index).toBeGreaterThanOrEqual(0);
    return index;
  }

  /** Consecutive aligned buckets, the last one holding the time of the request. */
  function expectShape(
    { body, before, after }: { body: Series; before: number; after: number },
    count: number,
    bucketMs: number,
  ) {
    expect(body.buckets).toHaveLength(count);
    expect(body.bucketSeconds).toBe(bucketMs / 1000);
    const starts = body.buckets.map((bucket) => Date.parse(bucket.start));
    starts.forEach((start, index) => {
      expect(start % bucketMs).toBe(0);
      if (index > 0) expect(start - starts[index - 1]).toBe(bucketMs);
    });
    const last = starts[count - 1];
    expect(last).toBeGreaterThanOrEqual(Math.floor(before / bucketMs) * bucketMs);
    expect(last).toBeLessThanOrEqual(Math.floor(after / bucketMs) * bucketMs);
  }

  it('answers 24 hourly buckets, oldest first, empty ones included', async () => {
    const { rows, series } = await setup();
    const recent = [
      ...(await rows('2 hours', 'success', [100, 200, 300])),
      ...(await rows('2 hours', 'failed', [400])),
    ];
    await rows('2 hours', 'retrying', [900]);
    const [failedOnly] = await rows('5 hours', 'failed', [null, null]);
    const [old] = await rows('22 hours', 'success', [50]);
    await rows('25 hours', 'success', [70]);

    const answer = await series('24h');
    expectShape(answer, 24, HOUR);
    const { body } = answer;
    expect(body.period).toBe('24h');

    const expected: Bucket[] = body.buckets.map((bucket) => ({ start: bucket.start, ...EMPTY }));
    // percentile_cont over 100, 200, 300 and 400: the median halfway, p95 at 2.85 of 3 steps.
    expected[bucketOf(body, recent[0])] = {
      start: expected[bucketOf(body, recent[0])].start,
      successful: 3,
      failed: 1,
      p50ResponseTimeMs: 250,
      p95ResponseTimeMs: 385,
    };
    expected[bucketOf(body, failedOnly)] = {
      ...expected[bucketOf(body, failedOnly)],
      failed: 2,
    };
    expected[bucketOf(body, old)] = {
      ...expected[bucketOf(body, old)],
      successful: 1,
      p50ResponseTimeMs: 50,
      p95ResponseTimeMs: 50,
    };
    expect(body.buckets).toEqual(expected);
  });

  it('answers 28 six-hour buckets for 7d', async () => {
    const { rows, series } = await setup();
    const [inside] = await rows('6 days 12 hours', 'success', [10, 30]);
    const [recent] = await rows('1 hour', 'failed', [20]);
    await rows('8 days', 'success', [10]);

    const answer = await series('7d');
    expectShape(answer, 28, 6 * HOUR);
    const { body } = answer;
    expect(body.period).toBe('7d');
    expect(body.buckets[bucketOf(body, inside)]).toMatchObject({
      successful: 2,
      failed: 0,
      p50ResponseTimeMs: 20,
      p95ResponseTimeMs: 29,
    });
    expect(body.buckets[bucketOf(body, recent)]).toMatchObject({ successful: 0, failed: 1 });
    const totals = body.buckets.reduce(
      (sum, bucket) => ({ ok: sum.ok + bucket.successful, ko: sum.ko + bucket.failed }),
      { ok: 0, ko: 0 },
    );
    expect(totals).toEqual({ ok: 2, ko: 1 });
  });

  it('answers 30 daily buckets aligned to UTC midnight for 30d', async () => {
    const { rows, series } = await setup();
    const [inside] = await rows('10 days', 'failed', [1000]);
    await rows('31 days', 'failed', [1000]);

    const answer = await series('30d');
    expectShape(answer, 30, DAY);
    const { body } = answer;
    expect(body.buckets.every((bucket) => bucket.start.endsWith('T00:00:00.000Z'))).toBe(true);
    const index = bucketOf(body, inside);
    expect(body.buckets[index]).toEqual({
      start: body.buckets[index].start,
      successful: 0,
      failed: 1,
      p50ResponseTimeMs: 1000,
      p95ResponseTimeMs: 1000,
    });
    expect(body.buckets.filter((bucket) => bucket.failed + bucket.successful > 0)).toHaveLength(1);
  });

  it('defaults to 24h and answers empty buckets for a webhook without deliveries', async () => {
    const { tenant, webhook } = await setup();
    const body = (await tenant.get(`${BASE}/${webhook.id}/stats/timeseries`).expect(200))
      .body as Series;
    expect(body.period).toBe('24h');
    expect(body.buckets).toHaveLength(24);
    expect(body.buckets.map(({ start: _, ...counts }) => counts)).toEqual(
      Array.from({ length: 24 }, () => EMPTY),
    );
  });

  it("answers 404 for another tenant's webhook and an unknown one", async () => {
    const { webhook, rows } = await setup();
    await rows('1 hour', 'success', [5]);
    const stranger = t.as(randomUUID());
    const other = await stranger.get(`${BASE}/${webhook.id}/stats/timeseries`).expect(404);
    expect(other.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Webhook not found',
    });
    await stranger.get(`${BASE}/${randomUUID()}/stats/timeseries`).expect(404);
  });

  it.each(['all', '1y', '24H', ''])('answers 400 for period=%p', async (period) => {
    const { tenant, webhook } = await setup();
    const res = await tenant
      .get(`${BASE}/${webhook.id}/stats/timeseries?period=${period}`)
      .expect(400);
    expect(res.body.message).toEqual(['period must be one of the following values: 24h, 7d, 30d']);
  });

  it('answers 400 for a malformed webhook id and an unknown query field', async () => {
    const { tenant, webhook } = await setup();
    await tenant.get(`${BASE}/not-a-uuid/stats/timeseries`).expect(400);
    const res = await tenant
      .get(`${BASE}/${webhook.id}/stats/timeseries?period=24h&bucket=1h`)
      .expect(400);
    expect(res.body.message).toEqual(['property bucket should not exist']);
  });
});
