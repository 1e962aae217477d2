import { randomUUID } from 'node:crypto';
import { ensurePastDays } from '../helpers/delivery-rows';
import { controlClock, DeliveryHarness, startDeliveryHarness } from './delivery-harness';

/**
 * The moves of a delivery row that are not an HTTP outcome: waiting for a rate-limit slot
 * (Redis, under this harness's own prefix), not starting, a final row, and the routes' manual
 * retry and recover.
 */
describe('delivery log moves (medium)', () => {
  let h: DeliveryHarness;

  beforeAll(async () => {
    h = await startDeliveryHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.http.sent.length = 0;
  });
  afterEach(() => jest.useRealTimers());

  async function deliveries(count: number, options: { rateLimitPerSecond?: number } = {}) {
    const webhook = await h.createWebhook(options);
    const logIds: string[] = [];
    for (let i = 0; i < count; i++) logIds.push(...(await h.trigger(webhook.tenantId)));
    return { webhook, logIds };
  }

  describe('a rate-limited webhook', () => {
    it('waits for its slot without a claim or an attempt, the row due at the slot', async () => {
      const { webhook, logIds } = await deliveries(2, { rateLimitPerSecond: 1 });
      const [first, second] = logIds;

      expect(await h.attempt(first)).toMatchObject({ kind: 'success' });
      const before = Date.now();
      const outcome = await h.attempt(second);

      expect(outcome.kind).toBe('wait');
      const { untilMs } = outcome as { untilMs: number };
      // One slot per second: the second delivery's is about a second after the first's.
      expect(untilMs - before).toBeGreaterThan(800);
      expect(untilMs - before).toBeLessThanOrEqual(1005);
      expect(h.http.sent).toHaveLength(1);
      const row = await h.log(second);
      expect(row).toMatchObject({ status: 'pending', attempt_count: 0, attempts: [] });
      expect(row.next_attempt_at?.getTime()).toBe(untilMs);
      expect(await h.webhook(webhook.id)).toMatchObject({ total_deliveries: 1 });
    });

    it('reserves once: woken early it waits for the same slot, then is sent at it', async () => {
      const { webhook, logIds } = await deliveries(3, { rateLimitPerSecond: 1 });
      const [first, second, third] = logIds;
      const clock = controlClock();
      expect(await h.attempt(first)).toMatchObject({ kind: 'success' });
      const waiting = await h.attempt(second);
      expect(waiting.kind).toBe('wait');
      const slotAt = (waiting as { untilMs: number }).untilMs;
      const job = { logId: second, webhookId: webhook.id, slotAt };

      clock.advance(slotAt - Date.now() - 200);
      expect(await h.attempt(job)).toEqual({ kind: 'wait', untilMs: slotAt });
      // No second reservation for it: the next delivery's slot is the one after.
      const next = await h.attempt(third);
      expect((next as { untilMs: number }).untilMs - slotAt).toBeGreaterThan(800);

      clock.advance(200);
      expect(await h.attempt(job)).toMatchObject({ kind: 'success' });
      expect(h.http.sent).toHaveLength(2);
      expect(await h.log(second)).toMatchObject({ status: 'success', attempt_count: 1 });
    });

    it('is not limited on the test route', async () => {
      const { logIds } = await deliveries(2, { rateLimitPerSecond: 1 });
      expect(await h.attempt(logIds[0])).toMatchObject({ kind: 'success' });

      expect(await h.attempt(logIds[1], { test: true })).toMatchObject({ kind: 'success' });
      expect(h.http.sent).toHaveLength(2);
    });
  });

  it('leaves the row unclaimed and unsent when it may not start (shutdown began)', async () => {
    const { logIds } = await deliveries(1);
    const before = await h.log(logIds[0]);

    expect(await h.attempt(logIds[0], { mayStart: () => false })).toEqual({ kind: 'stopped' });

    expect(h.http.sent).toHaveLength(0);
    expect(await h.log(logIds[0])).toEqual(before);
  });

  it('drops an attempt on a final row, leaving the row as it was', async () => {
    const { logIds } = await deliveries(2);
    expect(await h.attempt(logIds[0])).toMatchObject({ kind: 'success' });
    await h.db.query(`UPDATE webhook_logs SET status = 'failed' WHERE id = $1`, [logIds[1]]);
    const final = [await h.log(logIds[0]), await h.log(logIds[1])];
    h.http.sent.length = 0;

    for (const logId of logIds) expect(await h.attempt(logId)).toEqual({ kind: 'dropped' });

    expect(h.http.sent).toHaveLength(0);
    expect([await h.log(logIds[0]), await h.log(logIds[1])]).toEqual(final);
  });

  describe('manual retry and recover', () => {
    it('retry moves only a final row back to pending, with a fresh round; only for its tenant', async () => {
      const { webhook, logIds } = await deliveries(2);
      const [done, inFlight] = logIds;
      expect(await h.attempt(done)).toMatchObject({ kind: 'success' });

      expect(await h.logs.retryOne(randomUUID(), webhook.id, done)).toEqual([]);
      expect(await h.log(done)).toMatchObject({ status: 'success' });
      expect(await h.logs.retryOne(webhook.tenantId, webhook.id, inFlight)).toEqual([]);
      expect(await h.log(inFlight)).toMatchObject({ status: 'pending', attempt_count: 0 });

      expect(await h.logs.retryOne(webhook.tenantId, webhook.id, done)).toEqual([
        { id: done, webhookId: webhook.id, createdAt: expect.any(Number), fifoSequence: null },
      ]);
      expect(await h.log(done)).toMatchObject({
        status: 'pending',
        attempt_count: 1,
        completed_at: null,
      });
      const [{ retry_base }] = await h.db.query(
        `SELECT retry_base FROM webhook_logs WHERE id = $1`,
        [done],
      );
      expect(retry_base).toBe(1);
    });

    it('recover brings back failed rows created since the date, not successful ones', async () => {
      const { webhook, logIds } = await deliveries(3);
      const [failed, old, succeeded] = logIds;
      await h.db.query(`UPDATE webhook_logs SET status = 'failed' WHERE id = ANY($1)`, [
        [failed, old],
      ]);
      // Moves the row into the day partition of two days ago.
      await ensurePastDays(h.db, 3);
      await h.db.query(
        `UPDATE webhook_logs SET created_at = now() - interval '2 days' WHERE id = $1`,
        [old],
      );
      expect(await h.attempt(succeeded)).toMatchObject({ kind: 'success' });
      const since = new Date(Date.now() - 3_600_000);

      expect(await h.logs.recoverFailed(randomUUID(), webhook.id, since)).toEqual([]);
      expect(await h.logs.recoverFailed(webhook.tenantId, webhook.id, since)).toEqual([
        { id: failed, webhookId: webhook.id, createdAt: expect.any(Number), fifoSequence: null },
      ]);
      expect((await h.log(failed)).status).toBe('pending');
      expect((await h.log(old)).status).toBe('failed');
      expect((await h.log(succeeded)).status).toBe('success');
    });
  });
});
