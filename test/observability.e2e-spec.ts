import { randomBytes, randomUUID } from 'node:crypto';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import request from 'supertest';
import { LOG_OUTPUT, LogOutput } from '../src/logging/logging.module';
import { WebhookDeliveryService } from '../src/modules/webhooks/delivery/webhook-delivery.service';
import { OutboxRelay, RELAY_LOCK_KEY } from '../src/modules/webhooks/outbox/outbox-relay.service';
import { WebhooksService } from '../src/modules/webhooks/webhooks.service';
import { insertDeliveryRows } from './helpers/delivery-rows';
import { DeliveryPipeline, startDeliveryPipeline } from './helpers/delivery-harness';
import { TestReceiver } from './helpers/receiver';
import { TestApp, webhookBody } from './helpers/test-app';
import { waitUntil } from './helpers/waiting';
import { LogCapture } from './helpers/log-capture';

const BASE = '/api/v1/webhooks';
const FAST_RETRIES = { maxAttempts: 2, backoff: 'fixed', initialDelayMs: 100, maxDelayMs: 1000 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The value of one sample of the Prometheus text, matching its labels exactly. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]),
    );
    const wanted = Object.entries(labels);
    if (
      wanted.length === Object.keys(found).length &&
      wanted.every(([key, value]) => found[key] === value)
    ) {
      return Number(match[3]);
    }
  }
  return undefined;
}

const OUTCOMES = ['success', 'retry', 'failed', 'dropped'] as const;

describe('Observability (e2e)', () => {
  let pipeline: DeliveryPipeline;
  let t: TestApp;
  let receiver: TestReceiver;
  let webhooks: WebhooksService;
  const logs = new LogCapture();

  beforeAll(async () => {
    const output: LogOutput = { destination: logs, level: 'info' };
    pipeline = await startDeliveryPipeline({
      retryPolicy: FAST_RETRIES,
      overrides: [{ provide: LOG_OUTPUT, useValue: output }],
    });
    ({ t, receiver, webhooks } = pipeline);
    // As main.ts does: Nest's own logs go through pino too.
    t.app.useLogger(t.app.get(PinoNestLogger));
  });
  afterAll(() => pipeline.close());

  const scrape = async () => {
    const res = await request(t.app.getHttpServer()).get('/metrics').expect(200);
    return res.text;
  };

  const register: DeliveryPipeline['register'] = (...args) => pipeline.register(...args);

  describe('GET /metrics', () => {
    it('answers Prometheus text without authentication, default process metrics included', async () => {
      const res = await request(t.app.getHttpServer()).get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain;/);
      expect(res.headers['content-type']).toContain('version=0.0.4');
      for (const name of ['process_cpu_user_seconds_total', 'nodejs_heap_size_used_bytes']) {
        expect(res.text).toContain(`# TYPE ${name} `);
      }
      for (const [name, type] of [
        ['webhook_deliveries_total', 'counter'],
        ['webhook_delivery_duration_seconds', 'histogram'],
        ['webhook_trigger_to_delivery_seconds', 'histogram'],
        ['webhook_queue_jobs', 'gauge'],
        ['webhook_outbox_relay_lag_seconds', 'gauge'],
        ['webhook_outbox_relayed_total', 'counter'],
        ['webhook_partition_days_ahead', 'gauge'],
      ]) {
        expect(res.text).toContain(`# HELP ${name} `);
        expect(res.text).toContain(`# TYPE ${name} ${type}`);
      }
      // Every outcome is exported from the start.
      for (const result of OUTCOMES) {
        expect(sample(res.text, 'webhook_deliveries_total', { result })).toEqual(
          expect.any(Number),
        );
      }
      expect(sample(res.text, 'webhook_outbox_relayed_total')).toEqual(expect.any(Number));
      // Today and the next 7 days exist from the migration and every boot.
      expect(sample(res.text, 'webhook_partition_days_ahead')).toBe(7);
    });

    it('is not part of the OpenAPI document', async () => {
      const res = await request(t.app.getHttpServer()).get('/api/docs-json').expect(200);
      expect(Object.keys(res.body.paths)).not.toContain('/metrics');
    });

    it('counts a successful and a failing delivery, with attempt and trigger-to-delivery times', async () => {
      const before = await scrape();
      const count = (text: string, result: string) =>
        sample(text, 'webhook_deliveries_total', { result }) ?? NaN;
      const tenantId = randomUUID();
      const ok = await register(tenantId, '/m-ok', { events: ['message.sent'] });
      await register(tenantId, '/m-fail', { events: ['message.sent'] });
      receiver.script('/m-fail', { status: 500 }, { status: 500 });

      await webhooks.triggerEvent(tenantId, 'message.sent', { message: { id: 'm1' } });
      await receiver.waitFor(1, '/m-ok');
      await receiver.waitFor(2, '/m-fail');
      // success +1 (/m-ok); retry +1 then failed +1 (/m-fail: two attempts, both 500). Counters
      // only grow, so other deliveries running meanwhile cannot hide ours.
      const after = await waitUntil(scrape, (text) =>
        ['success', 'retry', 'failed'].every(
          (result) => count(text, result) >= count(before, result) + 1,
        ),
      );
      expect(receiver.received('/m-ok')).toHaveLength(1);
      expect(receiver.received('/m-fail')).toHaveLength(2);

      const duration = (text: string, suffix: string) =>
        sample(text, `webhook_delivery_duration_seconds_${suffix}`) ?? NaN;
      expect(duration(after, 'count')).toBeGreaterThanOrEqual(duration(before, 'count') + 3);
      expect(duration(after, 'sum')).toBeGreaterThan(duration(before, 'sum'));
      expect(
        sample(after, 'webhook_delivery_duration_seconds_bucket', { le: '+Inf' }),
      ).toBeGreaterThanOrEqual(duration(before, 'count') + 3);
      expect(sample(after, 'webhook_delivery_duration_seconds_bucket', { le: '0.001' })).toEqual(
        expect.any(Number),
      );
      expect(sample(after, 'webhook_delivery_duration_seconds_bucket', { le: '30' })).toEqual(
        expect.any(Number),
      );

      const sinceTrigger = (text: string) =>
        sample(text, 'webhook_trigger_to_delivery_seconds_count') ?? NaN;
      expect(sinceTrigger(after)).toBeGreaterThanOrEqual(sinceTrigger(before) + 1);
      expect(sample(after, 'webhook_trigger_to_delivery_seconds_sum')).toBeGreaterThan(0);

      // A job for a delivery that is already final (a duplicate, a relay race) is dropped.
      const logsRes = await t.as(tenantId).get(`${BASE}/${ok.id}/logs`).expect(200);
      const [log] = logsRes.body.data as Array<{ id: string; status: string }>;
      expect(log.status).toBe('success');
      const droppedBefore = count(await scrape(), 'dropped');
      await expect(
        t.app.get(WebhookDeliveryService).attempt({ logId: log.id, webhookId: ok.id }),
      ).resolves.toEqual({
        kind: 'dropped',
      });
      expect(count(await scrape(), 'dropped')).toBeGreaterThanOrEqual(droppedBefore + 1);
    });

    it('reads the queue job counts by state on each scrape', async () => {
      const text = await scrape();
      for (const state of ['waiting', 'active', 'delayed', 'failed', 'paused']) {
        expect(sample(text, 'webhook_queue_jobs', { state })).toBeGreaterThanOrEqual(0);
      }

      // A delivery waiting a minute for its retry is a delayed job.
      const tenantId = randomUUID();
      const slow = await register(tenantId, '/m-delayed', {
        events: ['message.sent'],
        retryPolicy: {
          maxAttempts: 3,
          backoff: 'fixed',
          initialDelayMs: 60_000,
          maxDelayMs: 60_000,
        },
      });
      receiver.script('/m-delayed', { status: 503 });
      await webhooks.triggerEvent(tenantId, 'message.sent', { message: { id: 'm2' } });
      await receiver.waitFor(1, '/m-delayed');
      // Its job stays delayed for 48 s or more (60 s ± 20 % jitter), so the gauge must see it.
      await waitUntil(
        scrape,
        (now) => (sample(now, 'webhook_queue_jobs', { state: 'delayed' }) ?? 0) >= 1,
      );
      await t.as(tenantId).delete(`${BASE}/${slow.id}`).expect(204);
    });

    it('reports the age of the oldest due delivery and counts what the relay re-enqueues', async () => {
      const tenantId = randomUUID();
      const webhook = await register(tenantId, '/m-relay', { events: ['message.sent'] });
      const eventId = `evt_relay_${randomUUID().replace(/-/g, '')}`;
      const payload = JSON.stringify({
        id: eventId,
        type: 'message.sent',
        timestamp: new Date(Date.now() - 3_600_000).toISOString(),
        data: { message: { id: 'm3' } },
      });
      // Holding the relay's lock keeps the relay away from the row while the lag is read.
      const lock = t.dataSource.createQueryRunner();
      await lock.connect();
      let logId: string;
      try {
        await lock.query('SELECT pg_advisory_lock($1)', [RELAY_LOCK_KEY]);
        // A delivery due an hour ago that never got a job (Redis was down when it was written).
        [{ id: logId }] = await insertDeliveryRows(t.dataSource, {
          tenantId,
          webhookId: webhook.id,
          eventId,
          payload,
          age: '1 hour',
        });
        const lag = sample(await scrape(), 'webhook_outbox_relay_lag_seconds');
        expect(lag).toBeGreaterThanOrEqual(3600);
      } finally {
        await lock.query('SELECT pg_advisory_unlock($1)', [RELAY_LOCK_KEY]);
        await lock.release();
      }

      const relayedBefore = sample(await scrape(), 'webhook_outbox_relayed_total') ?? NaN;
      await t.app.get(OutboxRelay).relayOnce(); // or its own timer, whichever comes first
      await waitUntil(
        scrape,
        (text) => (sample(text, 'webhook_outbox_relayed_total') ?? 0) >= relayedBefore + 1,
      );
      const [delivered] = await receiver.waitFor(1, '/m-relay');
      expect(delivered.headers['x-webhook-delivery']).toBe(logId);
    });
  });

  describe('request ids and structured logs', () => {
    const server = () => t.app.getHttpServer();
    const linesWithReqId = (id: string) =>
      logs.records().filter((record) => record.reqId === id || record.req?.id === id);

    it('echoes a sane x-request-id and puts it on the request log line', async () => {
      const tenantId = randomUUID();
      const res = await t.as(tenantId).get(BASE).set('x-request-id', 'abc-123').expect(200);
      expect(res.headers['x-request-id']).toBe('abc-123');

      const [line] = await waitUntil(
        async () => linesWithReqId('abc-123'),
        (found) => found.length > 0,
      );
      expect(line).toMatchObject({
        level: 'info',
        reqId: 'abc-123',
        req: { id: 'abc-123', method: 'GET', url: BASE },
        res: { statusCode: 200 },
        msg: 'request completed',
      });
      expect(line.req.headers.authorization).toBe('[Redacted]');
    });

    it('gives every other request a fresh UUID', async () => {
      const ids = [];
      for (const incoming of [undefined, 'has space', 'x'.repeat(129), 'a"b']) {
        const req = request(server()).get('/health');
        const res = await (incoming === undefined ? req : req.set('x-request-id', incoming));
        expect(res.status).toBe(200);
        expect(res.headers['x-request-id']).toMatch(UUID);
        ids.push(res.headers['x-request-id']);
      }
      expect(new Set(ids).size).toBe(ids.length);
      expect(
        (await request(server()).get('/health').set('x-request-id', 'x'.repeat(128))).headers[
          'x-request-id'
        ],
      ).toBe('x'.repeat(128));
    });

    it('logs a request the body parser rejects, with its id', async () => {
      const res = await t
        .as(randomUUID())
        .post(BASE)
        .set('x-request-id', 'bad-json-1')
        .set('content-type', 'application/json')
        .send('{"name":')
        .expect(400);
      expect(res.headers['x-request-id']).toBe('bad-json-1');
      const [line] = await waitUntil(
        async () => linesWithReqId('bad-json-1'),
        (found) => found.length > 0,
      );
      expect(line).toMatchObject({ res: { statusCode: 400 }, req: { method: 'POST' } });
    });

    it("binds the request id to the app's own log lines during the request", async () => {
      const tenantId = randomUUID();
      const webhook = await register(tenantId, '/m-gone');
      receiver.script('/m-gone', { status: 410 });
      // A 410 disables the webhook, which the delivery service logs as a warning.
      await t
        .as(tenantId)
        .post(`${BASE}/${webhook.id}/test`, {})
        .set('x-request-id', 'test-send-410')
        .expect(200);
      const found = await waitUntil(
        async () => linesWithReqId('test-send-410'),
        (lines) => lines.some((line) => line.context === 'WebhookDeliveryService'),
      );
      expect(found.find((line) => line.context === 'WebhookDeliveryService')).toMatchObject({
        level: 'warn',
        reqId: 'test-send-410',
        msg: expect.stringContaining(`Webhook ${webhook.id} disabled`),
      });
    });

    it('never logs a bearer token, a webhook secret or a signature', async () => {
      const tenantId = randomUUID();
      const token = t.token(tenantId);
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const created = await request(server())
        .post(BASE)
        .set('authorization', `Bearer ${token}`)
        .set('x-request-id', 'create-with-secret')
        .send(webhookBody({ url: receiver.url('/m-secret'), events: ['message.sent'], secret }))
        .expect(201);
      await request(server())
        .get(`${BASE}/${created.body.id}/secret`)
        .set('authorization', `Bearer ${token}`)
        .expect(200);
      await request(server())
        .post(`${BASE}/${created.body.id}/rotate-secret`)
        .set('authorization', `Bearer ${token}`)
        .send({})
        .expect((res) => expect(res.status).toBeLessThan(300));
      await webhooks.triggerEvent(tenantId, 'message.sent', { message: { id: 'm4' } });
      const [delivery] = await receiver.waitFor(1, '/m-secret');
      // A caller echoing signature headers back to us, and the app logging a secret by mistake.
      await request(server())
        .get('/health')
        .set('webhook-signature', String(delivery.headers['webhook-signature']))
        .set('x-webhook-signature', String(delivery.headers['x-webhook-signature']))
        .set('cookie', 'session=cookie-value-123')
        .set('x-request-id', 'echo-signature')
        .expect(200);
      await request(server())
        .get('/does-not-exist')
        .set('authorization', `Bearer ${token}`)
        .set('webhook-signature', String(delivery.headers['webhook-signature']))
        .set('cookie', 'session=cookie-value-123')
        .set('x-request-id', 'signature-404')
        .expect(404);
      t.app.get(PinoNestLogger).warn({ webhook: { id: created.body.id, secret } }, 'Test');

      await waitUntil(
        async () => linesWithReqId('signature-404'),
        (found) => found.length > 0,
      );
      expect(linesWithReqId('create-with-secret')).not.toHaveLength(0);
      const text = logs.text;
      expect(text).toContain('[Redacted]');
      for (const leak of [
        token,
        secret,
        secret.slice('whsec_'.length),
        String(delivery.headers['webhook-signature']),
        String(delivery.headers['x-webhook-signature']),
        'cookie-value-123',
      ]) {
        expect(text).not.toContain(leak);
      }
      const [notFound] = linesWithReqId('signature-404');
      expect(notFound.req.headers).toMatchObject({
        authorization: '[Redacted]',
        'webhook-signature': '[Redacted]',
        cookie: '[Redacted]',
      });
    });
  });

  describe('with Redis unreachable', () => {
    it('GET /metrics still answers, without queue gauges', async () => {
      const saved = {
        REDIS_URL: process.env.REDIS_URL,
        WORKER_ENABLED: process.env.WORKER_ENABLED,
      };
      Object.assign(process.env, { REDIS_URL: 'redis://127.0.0.1:1', WORKER_ENABLED: 'false' });
      try {
        // A fresh copy of every module, so the config is read with Redis unreachable; requests
        // run inside the callback too (see test/operations.e2e-spec.ts).
        await jest.isolateModulesAsync(async () => {
          const { createTestApp: createIsolated } = await import('./helpers/test-app');
          const down = await createIsolated();
          try {
            const res = await request(down.app.getHttpServer()).get('/metrics').expect(200);
            expect(res.text).toContain('# TYPE webhook_queue_jobs gauge');
            expect(res.text).not.toMatch(/^webhook_queue_jobs\{/m);
            expect(sample(res.text, 'webhook_outbox_relay_lag_seconds')).toBeGreaterThanOrEqual(0);
          } finally {
            await down.close();
          }
        });
      } finally {
        for (const [name, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      }
    });
  });
});
