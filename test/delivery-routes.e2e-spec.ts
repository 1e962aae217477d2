import { randomUUID } from 'node:crypto';
import { WebhooksService } from '../src/modules/webhooks/webhooks.service';
import {
  DeliveryPipeline,
  LogBody as Log,
  LogPage,
  ONE_ATTEMPT,
  startDeliveryPipeline,
  WEBHOOKS_BASE as BASE,
} from './helpers/delivery-harness';
import { TestReceiver } from './helpers/receiver';
import { TestApp } from './helpers/test-app'
import { ensurePastDays, insertDeliveryRows } from './helpers/delivery-rows';;
import { deliveryQueue, waitUntil, waitUntilSettled } from './helpers/waiting';

describe('Delivery routes (e2e)', () => {
  let pipeline: DeliveryPipeline;
  let t: TestApp;
  let receiver: TestReceiver;
  let webhooks: WebhooksService;

  beforeAll(async () => {
    pipeline = await startDeliveryPipeline({ retryPolicy: ONE_ATTEMPT });
    ({ t, receiver, webhooks } = pipeline);
  });
  afterAll(() => pipeline.close());

  async function setup(path: string, overrides: Record<string, unknown> = {}) {
    const tenantId = randomUUID();
    const tenant = t.as(tenantId);
    const webhook = await pipeline.register(tenantId, path, overrides);
    const logs = (query = '') => pipeline.finalLogs(tenantId, webhook.id, query);
    return { tenantId, tenant, webhook, logs };
  }

  describe('POST /:id/test', () => {
    it('sends the webhook.test sample synchronously and logs it', async () => {
      const path = `/test-${randomUUID()}`;
      receiver.script(path, { status: 201, body: 'created!' });
      const { tenant, webhook } = await setup(path);
      const res = await tenant.post(`${BASE}/${webhook.id}/test`, {}).expect(200);
      expect(res.body).toEqual({
        success: true,
        statusCode: 201,
        responseTimeMs: expect.any(Number),
        responseBody: 'created!',
        error: null,
        logId: expect.any(String),
      });
      const [request] = receiver.received(path);
      const body = JSON.parse(request.body);
      expect(body.type).toBe('webhook.test');
      expect(body.data.webhookId).toBe(webhook.id);
      expect(request.headers['x-webhook-delivery']).toBe(res.body.logId);
      const log = (await tenant.get(`${BASE}/${webhook.id}/logs/${res.body.logId}`).expect(200))
        .body;
      expect(log).toMatchObject({
        status: 'success',
        eventType: 'webhook.test',
        attemptCount: 1,
        responseStatus: 201,
      });
      expect(log.attempts).toHaveLength(1);
    });

    it('reports a failure without retrying, with a chosen event type and payload', async () => {
      const path = `/test-fail-${randomUUID()}`;
      receiver.script(path, { status: 500, body: 'nope' });
      const { tenant, webhook } = await setup(path, {
        retryPolicy: { ...ONE_ATTEMPT, maxAttempts: 5 },
      });
      const res = await tenant
        .post(`${BASE}/${webhook.id}/test`, {
          eventType: 'message.sent',
          payload: { custom: true },
        })
        .expect(200);
      expect(res.body).toMatchObject({
        success: false,
        statusCode: 500,
        responseBody: 'nope',
        error: 'HTTP 500',
      });
      expect(JSON.parse(receiver.received(path)[0].body)).toMatchObject({
        type: 'message.sent',
        data: { custom: true },
      });
      const log = (await tenant.get(`${BASE}/${webhook.id}/logs/${res.body.logId}`).expect(200))
        .body;
      // Final after one attempt, with no job: nothing is left that could send it again.
      expect(log).toMatchObject({ status: 'failed', attemptCount: 1, nextAttemptAt: null });
      expect(await deliveryQueue(t).getJob(res.body.logId)).toBeUndefined();
      await waitUntilSettled(t, [webhook.id]);
      expect(receiver.received(path)).toHaveLength(1);
    });

    it('validates the body and the tenant', async () => {
      const { tenant, webhook } = await setup('/test-validation');
      await tenant.post(`${BASE}/${webhook.id}/test`, { eventType: 'nope' }).expect(400);
      await tenant.post(`${BASE}/${webhook.id}/test`, { payload: 'text' }).expect(400);
      await tenant.post(`${BASE}/${webhook.id}/test`, { extra: 1 }).expect(400);
      await t.as(randomUUID()).post(`${BASE}/${webhook.id}/test`, {}).expect(404);
      // The route sends while the request runs: refused requests logged and sent nothing.
      expect((await tenant.get(`${BASE}/${webhook.id}/logs`).expect(200)).body.meta.total).toBe(0);
      expect(receiver.received('/test-validation')).toHaveLength(0);
    });

    it('answers 400 for a payload over 256 KiB, sending and logging nothing', async () => {
      const path = `/test-big-${randomUUID()}`;
      const { tenant, webhook } = await setup(path);
      const payload = { blob: 'x'.repeat(300 * 1024) };
      const res = await tenant.post(`${BASE}/${webhook.id}/test`, { payload }).expect(400);
      expect(res.body.message).toEqual([
        expect.stringMatching(/^Webhook event payload is \d+ bytes; the limit is 262144$/),
      ]);
      expect(receiver.received(path)).toHaveLength(0);
      expect((await tenant.get(`${BASE}/${webhook.id}/logs`).expect(200)).body.meta.total).toBe(0);
    });
  });

  describe('logs', () => {
    it('lists newest first with status, eventType and date filters and pagination', async () => {
      const path = `/logs-${randomUUID()}`;
      receiver.script(path, { status: 200 }, { status: 500 }, { status: 200 });
      const { tenantId, tenant, webhook, logs } = await setup(path, { events: ['*'] });
      for (const type of ['message.sent', 'message.read', 'campaign.started'] as const) {
        await webhooks.triggerEvent(tenantId, type, { type });
        await receiver.waitFor(receiver.received(path).length + 1, path);
      }
      const all = await logs();
      expect(all.meta).toEqual({ page: 1, limit: 20, total: 3 });
      expect(all.data.map((l: Log) => l.eventType)).toEqual([
        'campaign.started',
        'message.read',
        'message.sent',
      ]);
      expect(all.data[0]).not.toHaveProperty('attempts');

      const failed = (await tenant.get(`${BASE}/${webhook.id}/logs?status=failed`).expect(200))
        .body;
      expect(failed.data.map((l: Log) => l.eventType)).toEqual(['message.read']);
      const byType = (
        await tenant.get(`${BASE}/${webhook.id}/logs?eventType=campaign.started`).expect(200)
      ).body;
      expect(byType.meta.total).toBe(1);
      const paged = (await tenant.get(`${BASE}/${webhook.id}/logs?limit=1&page=3`).expect(200))
        .body;
      expect(paged.data.map((l: Log) => l.eventType)).toEqual(['message.sent']);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect(
        (await tenant.get(`${BASE}/${webhook.id}/logs?from=${future}`).expect(200)).body.meta.total,
      ).toBe(0);
      expect(
        (await tenant.get(`${BASE}/${webhook.id}/logs?to=${future}`).expect(200)).body.meta.total,
      ).toBe(3);

      for (const bad of ['status=done', 'from=yesterday', 'limit=500', 'page=-1', 'other=1']) {
        const res = await tenant.get(`${BASE}/${webhook.id}/logs?${bad}`);
        expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      }
    });

    it.each(['from', 'to'])(
      'answers 400, not 500, for a %s date Postgres cannot store',
      async (field) => {
        const { tenant, webhook } = await setup(`/logs-range-${randomUUID()}`);
        for (const date of ['-005000-01-01T00:00:00Z', '1969-12-31T23:59:59Z']) {
          const res = await tenant.get(`${BASE}/${webhook.id}/logs?${field}=${date}`).expect(400);
          expect(res.body.message).toEqual([
            `${field} must not be before 1970-01-01T00:00:00.000Z`,
          ]);
        }
        await tenant.get(`${BASE}/${webhook.id}/logs?${field}=1970-01-01T00:00:00Z`).expect(200);
      },
    );

    it("hides another tenant's logs and answers 404 for unknown ids", async () => {
      const path = `/logs-iso-${randomUUID()}`;
      const { tenantId, tenant, webhook, logs } = await setup(path);
      await webhooks.triggerEvent(tenantId, 'message.sent', {});
      const [log] = (await logs()).data;
      const stranger = t.as(randomUUID());
      await stranger.get(`${BASE}/${webhook.id}/logs`).expect(404);
      await stranger.get(`${BASE}/${webhook.id}/logs/${log.id}`).expect(404);
      await stranger.post(`${BASE}/${webhook.id}/logs/${log.id}/retry`).expect(404);
      await stranger
        .post(`${BASE}/${webhook.id}/recover`, { since: new Date(0).toISOString() })
        .expect(404);
      await stranger.get(`${BASE}/${webhook.id}/stats`).expect(404);
      await tenant.get(`${BASE}/${webhook.id}/logs/${randomUUID()}`).expect(404);
      await tenant.get(`${BASE}/${webhook.id}/logs/not-a-uuid`).expect(400);
    });
  });

  describe('retry and recover', () => {
    it('retries one finished delivery now, with the same webhook-id', async () => {
      const path = `/retry-${randomUUID()}`;
      receiver.script(path, { status: 500 });
      const { tenantId, tenant, webhook, logs } = await setup(path);
      const { eventId } = await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
      const [failed] = (await logs()).data;
      expect(failed.status).toBe('failed');

      await tenant.post(`${BASE}/${webhook.id}/logs/${failed.id}/retry`).expect(202);
      const requests = await receiver.waitFor(2, path);
      expect(requests.map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId]);
      expect(requests.map((r) => r.headers['x-webhook-attempt'])).toEqual(['1', '2']);
      const log = await waitUntil(
        async () => (await tenant.get(`${BASE}/${webhook.id}/logs/${failed.id}`).expect(200)).body,
        (body: Log) => body.status === 'success',
      );
      expect(log.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 200]);
    });

    it('refuses to retry a delivery still in progress', async () => {
      const path = `/retry-busy-${randomUUID()}`;
      const { tenantId, tenant, webhook } = await setup(path);
      const [{ id }] = await insertDeliveryRows(t.dataSource, {
        tenantId,
        webhookId: webhook.id,
        eventId: 'evt_busy',
        status: 'retrying',
      });
      await tenant.post(`${BASE}/${webhook.id}/logs/${id}/retry`).expect(409);
    });

    it('recovers every failed delivery since a date', async () => {
      const path = `/recover-${randomUUID()}`;
      receiver.script(path, { status: 500 }, { status: 500 }, { status: 503 });
      const { tenantId, tenant, webhook, logs } = await setup(path);
      for (let i = 0; i < 3; i++) await webhooks.triggerEvent(tenantId, 'message.sent', { i });
      await receiver.waitFor(3, path);
      await waitUntil(
        logs,
        (page: LogPage) => page.data.filter((l) => l.status === 'failed').length === 3,
      );

      const res = await tenant
        .post(`${BASE}/${webhook.id}/recover`, {
          since: new Date(Date.now() - 3600_000).toISOString(),
        })
        .expect(202);
      expect(res.body).toEqual({ queued: 3 });
      await receiver.waitFor(6, path);
      await waitUntil(logs, (page: LogPage) => page.data.every((l) => l.status === 'success'));

      const none = await tenant
        .post(`${BASE}/${webhook.id}/recover`, { since: new Date(0).toISOString() })
        .expect(202);
      expect(none.body).toEqual({ queued: 0 });
      await tenant.post(`${BASE}/${webhook.id}/recover`, {}).expect(400);
      await tenant.post(`${BASE}/${webhook.id}/recover`, { since: 'last week' }).expect(400);
    });

    it('answers 400, not 500, for a since Postgres cannot store', async () => {
      const { tenant, webhook } = await setup(`/recover-range-${randomUUID()}`);
      for (const since of [-300000000000000, '-005000-01-01T00:00:00Z', '1969-12-31T23:59:59Z']) {
        const res = await tenant.post(`${BASE}/${webhook.id}/recover`, { since }).expect(400);
        expect(res.body.message).toEqual(['since must not be before 1970-01-01T00:00:00.000Z']);
      }
    });
  });

  describe('GET /:id/stats', () => {
    it('agrees with what the receiver saw', async () => {
      const path = `/stats-${randomUUID()}`;
      receiver.script(path, { status: 500 }, { status: 200 }, { status: 200 }, { status: 200 });
      const { tenantId, tenant, webhook, logs } = await setup(path);
      for (let i = 0; i < 4; i++) await webhooks.triggerEvent(tenantId, 'message.sent', { i });
      await receiver.waitFor(4, path);
      await waitUntil(logs, (page: LogPage) => page.meta.total === 4);
      const { data: rows } = await logs();
      const seen = receiver.received(path);

      const stats = (await tenant.get(`${BASE}/${webhook.id}/stats?period=24h`).expect(200)).body;
      expect(stats).toMatchObject({
        period: '24h',
        totalDeliveries: seen.length,
        successfulDeliveries: 3,
        failedDeliveries: 1,
        pendingDeliveries: 0,
        successRate: 75,
        consecutiveFailures: 0,
      });
      expect(stats.averageResponseTimeMs).toBeGreaterThanOrEqual(0);
      expect(stats.p95ResponseTimeMs).toBeGreaterThanOrEqual(stats.averageResponseTimeMs * 0.5);
      // Each outcome's statement stamps the webhook and the log row with the same time.
      const latest = (times: string[]) => [...times].sort().at(-1);
      const completed = (status: string) =>
        rows.filter((l) => l.status === status).map((l) => l.completedAt as string);
      expect(stats.lastSuccessAt).toBe(latest(completed('success')));
      expect(stats.lastFailureAt).toBe(latest(completed('failed')));
      expect(stats.lastTriggeredAt).toBe(latest(rows.map((l) => l.createdAt as string)));

      await ensurePastDays(t.dataSource, 4);
      await t.dataSource.query(
        `UPDATE webhook_logs SET created_at = now() - interval '3 days' WHERE webhook_id = $1`,
        [webhook.id],
      );
      expect(
        (await tenant.get(`${BASE}/${webhook.id}/stats?period=24h`).expect(200)).body
          .totalDeliveries,
      ).toBe(0);
      expect(
        (await tenant.get(`${BASE}/${webhook.id}/stats?period=7d`).expect(200)).body
          .totalDeliveries,
      ).toBe(4);
      expect((await tenant.get(`${BASE}/${webhook.id}/stats`).expect(200)).body.period).toBe('24h');
      expect(
        (await tenant.get(`${BASE}/${webhook.id}/stats?period=all`).expect(200)).body
          .totalDeliveries,
      ).toBe(4);
      await tenant.get(`${BASE}/${webhook.id}/stats?period=1y`).expect(400);
    });
  });
});
