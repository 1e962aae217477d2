import { createHmac, randomUUID } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import packageJson from '../package.json';
import { WebhooksService } from '../src/modules/webhooks/webhooks.service';
import {
  DeliveryPipeline,
  FAST_RETRIES,
  startDeliveryPipeline,
  WEBHOOKS_BASE as BASE,
} from './helpers/delivery-harness';
import { TestReceiver } from './helpers/receiver';
import { TestApp } from './helpers/test-app';
import { waitUntil, waitUntilSettled } from './helpers/waiting';

/**
 * The pipeline's wiring: trigger → outbox → queue → worker → HTTP → receiver → logs API. The
 * rules of one attempt (retry delays, giving up, 410, auto-disable, signing) are proven one
 * attempt at a time, without polling, in test/medium/delivery-attempt.medium-spec.ts.
 */
describe('Delivery pipeline (e2e)', () => {
  let pipeline: DeliveryPipeline;
  let t: TestApp;
  let receiver: TestReceiver;
  let webhooks: WebhooksService;

  beforeAll(async () => {
    pipeline = await startDeliveryPipeline();
    ({ t, receiver, webhooks } = pipeline);
  });
  afterAll(() => pipeline.close());

  const register: DeliveryPipeline['register'] = (...args) => pipeline.register(...args);
  const logOf = async (tenantId: string, webhookId: string) =>
    (await pipeline.finalLogs(tenantId, webhookId)).data;

  /** The webhook ids that have a log row for this event. */
  async function loggedWebhooks(eventId: string): Promise<string[]> {
    const rows = await t.dataSource.query(
      `SELECT webhook_id FROM webhook_logs WHERE event_id = $1 ORDER BY webhook_id`,
      [eventId],
    );
    return rows.map((row: { webhook_id: string }) => row.webhook_id);
  }

  it('delivers a signed POST that verifies with the standardwebhooks package and by hand', async () => {
    const tenantId = randomUUID();
    const path = `/signed-${randomUUID()}`;
    const webhook = await register(tenantId, path, { headers: { 'X-Api-Key': 'k-123' } });
    const triggeredAt = Math.floor(Date.now() / 1000);
    const result = await webhooks.triggerEvent(tenantId, 'message.sent', {
      message: { id: 'm1', body: 'hi' },
    });
    expect(result.deliveries).toBe(1);

    const [request] = await receiver.waitFor(1, path);
    expect(request.method).toBe('POST');
    const body = JSON.parse(request.body);
    expect(body).toEqual({
      id: result.eventId,
      type: 'message.sent',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: { message: { id: 'm1', body: 'hi' } },
    });
    const h = request.headers;
    expect(h['content-type']).toBe('application/json');
    expect(h['user-agent']).toBe(`Nest-Webhooks/${packageJson.version}`);
    expect(h['webhook-id']).toBe(result.eventId);
    // Signed at send time: between the trigger and the arrival (whole seconds).
    expect(Number(h['webhook-timestamp'])).toBeGreaterThanOrEqual(triggeredAt);
    expect(Number(h['webhook-timestamp'])).toBeLessThanOrEqual(request.receivedAt / 1000);
    expect(h['x-webhook-event']).toBe('message.sent');
    expect(h['x-webhook-attempt']).toBe('1');
    expect(h['x-api-key']).toBe('k-123');

    const verified = new StandardWebhook(webhook.secret).verify(request.body, {
      'webhook-id': h['webhook-id'] as string,
      'webhook-timestamp': h['webhook-timestamp'] as string,
      'webhook-signature': h['webhook-signature'] as string,
    });
    expect(verified).toEqual(body);
    const legacy = createHmac('sha256', webhook.secret).update(request.body).digest('hex');
    expect(h['x-webhook-signature']).toBe(`sha256=${legacy}`);

    const [log] = await logOf(tenantId, webhook.id);
    expect(h['x-webhook-delivery']).toBe(log.id);
    expect(log).toMatchObject({
      status: 'success',
      isSuccess: true,
      attemptCount: 1,
      responseStatus: 200,
      responseBody: 'ok',
    });
  });

  it('matches exact types, category patterns and *, skipping inactive webhooks and other tenants', async () => {
    const tenantId = randomUUID();
    const exact = await register(tenantId, '/m-exact', { events: ['campaign.started'] });
    const pattern = await register(tenantId, '/m-pattern', { events: ['campaign.*'] });
    const all = await register(tenantId, '/m-all', { events: ['*'] });
    const other = await register(tenantId, '/m-other', { events: ['message.sent'] });
    const inactive = await register(tenantId, '/m-inactive', { events: ['*'], isActive: false });
    const stranger = await register(randomUUID(), '/m-stranger', { events: ['*'] });

    const result = await webhooks.triggerEvent(tenantId, 'campaign.started', {
      campaign: { id: 'c1' },
    });
    expect(result.deliveries).toBe(3);
    // Every delivery is a log row written with the event, so the rows are the whole answer.
    expect(await loggedWebhooks(result.eventId)).toEqual([exact.id, pattern.id, all.id].sort());
    await waitUntilSettled(
      t,
      [exact, pattern, all, other, inactive, stranger].map((w) => w.id),
    );
    expect(receiver.received('/m-other')).toHaveLength(0);
    expect(receiver.received('/m-inactive')).toHaveLength(0);
    expect(receiver.received('/m-stranger')).toHaveLength(0);
    const ids = ['/m-exact', '/m-pattern', '/m-all'].map(
      (p) => receiver.received(p)[0].headers['webhook-id'],
    );
    expect(new Set(ids)).toEqual(new Set([result.eventId]));
  });

  it('retries 500, 500, 200 through the queue into one success with one webhook-id', async () => {
    const tenantId = randomUUID();
    const path = `/flaky-${randomUUID()}`;
    receiver.script(
      path,
      { status: 500, body: 'boom' },
      { status: 500, body: 'boom' },
      { status: 200, body: 'fine' },
    );
    const webhook = await register(tenantId, path);
    await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });

    const requests = await receiver.waitFor(3, path);
    expect(requests.map((r) => r.headers['x-webhook-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const [log] = await logOf(tenantId, webhook.id);
    expect(log).toMatchObject({ status: 'success', attemptCount: 3, responseStatus: 200 });
    const detail = await t.as(tenantId).get(`${BASE}/${webhook.id}/logs/${log.id}`).expect(200);
    expect(detail.body.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([
      500, 500, 200,
    ]);
    expect(detail.body.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3]);
  });

  it('records a response body with NUL bytes and invalid UTF-8 without failing', async () => {
    const tenantId = randomUUID();
    const path = `/binary-${randomUUID()}`;
    receiver.script(path, { status: 200, body: 'a\u0000b\uFFFFc' });
    const webhook = await register(tenantId, path);
    await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
    const [log] = await logOf(tenantId, webhook.id);
    expect(log).toMatchObject({
      status: 'success',
      attemptCount: 1,
      responseBody: 'a\uFFFDb\uFFFFc',
    });
  });

  it.each([
    ['a real NUL character', 'a\u0000b'],
    ['the literal text \\u0000', '\\u0000'],
  ])('delivers data containing %s byte for byte', async (_case, text) => {
    const tenantId = randomUUID();
    const path = `/nul-data-${randomUUID()}`;
    const webhook = await register(tenantId, path);
    const data = { message: { body: text } };
    const result = await webhooks.triggerEvent(tenantId, 'message.sent', data);
    expect(result.deliveries).toBe(1);

    const [request] = await receiver.waitFor(1, path);
    expect(JSON.parse(request.body).data).toEqual(data);
    expect(request.body).toContain(`"data":${JSON.stringify(data)}`);
    const [log] = await logOf(tenantId, webhook.id);
    expect(log).toMatchObject({ status: 'success', attemptCount: 1 });
  });

  it('treats a timeout as a failed attempt', async () => {
    const tenantId = randomUUID();
    const path = `/slow-${randomUUID()}`;
    receiver.script(path, { status: 200, delayMs: 2500 });
    const webhook = await register(tenantId, path, {
      timeoutMs: 1000,
      retryPolicy: { ...FAST_RETRIES, maxAttempts: 1 },
    });
    await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
    const [log] = await logOf(tenantId, webhook.id);
    expect(log.status).toBe('failed');
    expect(log.errorMessage).toMatch(/timed out/i);
    expect(log.responseTimeMs).toBeGreaterThanOrEqual(900);
  });

  it('times out a response whose body stalls after the headers', async () => {
    const tenantId = randomUUID();
    const path = `/stall-${randomUUID()}`;
    receiver.script(path, { status: 200, body: 'ok', stallBodyMs: 2500 });
    const webhook = await register(tenantId, path, {
      timeoutMs: 1000,
      retryPolicy: { ...FAST_RETRIES, maxAttempts: 1 },
    });
    await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
    const [log] = await logOf(tenantId, webhook.id);
    expect(log.status).toBe('failed');
    // Without a deadline on the body, the stalled body would arrive and the attempt succeed.
    expect(log.errorMessage).toBe('Timed out after 1000 ms');
    expect(log.responseTimeMs).toBeGreaterThanOrEqual(900);
  });

  it('keeps the first KiB of a large response body and records the success', async () => {
    const tenantId = randomUUID();
    const path = `/large-${randomUUID()}`;
    receiver.script(path, { status: 200, body: 'ab'.repeat(100_000) });
    const webhook = await register(tenantId, path);
    await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
    const [log] = await logOf(tenantId, webhook.id);
    expect(log).toMatchObject({ status: 'success', attemptCount: 1, responseStatus: 200 });
    expect(log.responseBody).toBe('ab'.repeat(512));
  });

  it('does not follow redirects: a 3xx is a failed attempt', async () => {
    const tenantId = randomUUID();
    const path = `/moved-${randomUUID()}`;
    const target = `/target-${randomUUID()}`;
    receiver.script(path, { status: 302, headers: { location: receiver.url(target) } });
    const webhook = await register(tenantId, path, {
      retryPolicy: { ...FAST_RETRIES, maxAttempts: 1 },
    });
    await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
    const [log] = await logOf(tenantId, webhook.id);
    expect(log).toMatchObject({ status: 'failed', responseStatus: 302 });
    expect(log.errorMessage).toMatch(/redirect/i);
    expect(receiver.received(target)).toHaveLength(0);
  });

  it('delivers an eventId given twice only once', async () => {
    const tenantId = randomUUID();
    const path = `/idem-${randomUUID()}`;
    const webhook = await register(tenantId, path);
    const first = await webhooks.triggerEvent(
      tenantId,
      'message.sent',
      { n: 1 },
      { eventId: 'order-42' },
    );
    const second = await webhooks.triggerEvent(
      tenantId,
      'message.sent',
      { n: 1 },
      { eventId: 'order-42' },
    );
    expect(first).toEqual({ eventId: 'order-42', deliveries: 1 });
    expect(second).toEqual({ eventId: 'order-42', deliveries: 0 });
    expect(await loggedWebhooks('order-42')).toEqual([webhook.id]);
    await waitUntilSettled(t, [webhook.id]);
    expect(receiver.received(path)).toHaveLength(1);
  });

  it('delivers an eventId triggered concurrently only once', async () => {
    const tenantId = randomUUID();
    const path = `/idem-race-${randomUUID()}`;
    const webhook = await register(tenantId, path);
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, n) =>
        webhooks.triggerEvent(tenantId, 'message.sent', { n }, { eventId: 'order-43' }),
      ),
    );
    expect(results.map((r) => r.deliveries).sort()).toEqual([0, 0, 0, 0, 1]);
    expect(await loggedWebhooks('order-43')).toEqual([webhook.id]);
    await waitUntilSettled(t, [webhook.id]);
    expect(receiver.received(path)).toHaveLength(1);
  });

  it('keeps tenants apart when their concurrent events are written together', async () => {
    const tenants = [randomUUID(), randomUUID()];
    const paths = tenants.map((tenantId) => `/together-${tenantId}`);
    for (const [i, tenantId] of tenants.entries()) await register(tenantId, paths[i]);
    // Upper-case tenant ids name the same tenant.
    const calls = Array.from({ length: 40 }, (_, n) => {
      const tenantId = n % 4 === 3 ? tenants[n % 2].toUpperCase() : tenants[n % 2];
      return webhooks.triggerEvent(tenantId, 'message.sent', { tenant: n % 2, n });
    });
    const results = await Promise.all(calls);
    expect(results.map((r) => r.deliveries)).toEqual(Array(40).fill(1));
    for (const [i, path] of paths.entries()) {
      const received = await receiver.waitFor(20, path);
      const bodies = received.map((r) => JSON.parse(r.body));
      expect(bodies.every((body) => body.data.tenant === i)).toBe(true);
      expect(new Set(bodies.map((body) => body.id)).size).toBe(20);
    }
  });

  it('rejects unknown types, oversized payloads and bad ids without writing anything', async () => {
    const tenantId = randomUUID();
    await register(tenantId, '/never');
    const count = async () =>
      (
        await t.dataSource.query(
          `SELECT count(*)::int AS n FROM webhook_logs WHERE tenant_id = $1`,
          [tenantId],
        )
      )[0].n;
    await expect(webhooks.triggerEvent(tenantId, 'message.nope' as never, {})).rejects.toThrow(
      /Unknown webhook event type/,
    );
    await expect(
      webhooks.triggerEvent(tenantId, 'message.sent', { big: 'x'.repeat(256 * 1024) }),
    ).rejects.toThrow(/limit/);
    await expect(webhooks.triggerEvent('', 'message.sent', {})).rejects.toThrow(/tenantId/);
    await expect(
      webhooks.triggerEvent(tenantId, 'message.sent', {}, { eventId: '' }),
    ).rejects.toThrow(/eventId/);
    expect(await count()).toBe(0);
  });

  it('writes deliveries only when the caller transaction commits', async () => {
    const tenantId = randomUUID();
    const path = `/tx-${randomUUID()}`;
    const webhook = await register(tenantId, path);
    await expect(
      t.dataSource.transaction(async (manager) => {
        await webhooks.triggerEvent(tenantId, 'message.sent', { n: 'rolled back' }, { manager });
        throw new Error('business failure');
      }),
    ).rejects.toThrow('business failure');
    const committed = await t.dataSource.transaction((manager) =>
      webhooks.triggerEvent(tenantId, 'message.sent', { n: 'committed' }, { manager }),
    );
    const logs = await logOf(tenantId, webhook.id);
    expect(logs.map((log) => log.eventId)).toEqual([committed.eventId]);
    // The rolled-back call may have queued a job all the same: wait for any job to run out.
    await waitUntilSettled(t, [webhook.id]);
    expect(receiver.received(path).map((r) => JSON.parse(r.body).id)).toEqual([committed.eventId]);
  });

  it('signs with both secrets during a rotation grace period', async () => {
    const tenantId = randomUUID();
    const path = `/rotate-${randomUUID()}`;
    const webhook = await register(tenantId, path);
    const { secret } = (
      await t.as(tenantId).post(`${BASE}/${webhook.id}/rotate-secret`, {}).expect(200)
    ).body;
    await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
    const [request] = await receiver.waitFor(1, path);
    const headers = {
      'webhook-id': request.headers['webhook-id'] as string,
      'webhook-timestamp': request.headers['webhook-timestamp'] as string,
      'webhook-signature': request.headers['webhook-signature'] as string,
    };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new StandardWebhook(secret).verify(request.body, headers)).not.toThrow();
    expect(() => new StandardWebhook(webhook.secret).verify(request.body, headers)).not.toThrow();
    const legacy = createHmac('sha256', secret).update(request.body).digest('hex');
    expect(request.headers['x-webhook-signature']).toBe(`sha256=${legacy}`);
  });

  it('keeps counters exact under concurrent deliveries', async () => {
    const tenantId = randomUUID();
    const path = `/busy-counter-${randomUUID()}`;
    const webhook = await register(tenantId, path);
    const events = 200;
    await Promise.all(
      Array.from({ length: events }, (_, i) =>
        webhooks.triggerEvent(tenantId, 'message.sent', { i }),
      ),
    );
    await receiver.waitFor(events, path, 30000);
    const w = await waitUntil(
      async () => (await t.as(tenantId).get(`${BASE}/${webhook.id}`).expect(200)).body,
      (body: { totalDeliveries: number }) => body.totalDeliveries === events,
    );
    expect(w).toMatchObject({
      totalDeliveries: events,
      successfulDeliveries: events,
      failedDeliveries: 0,
    });
  });
});
