import { randomUUID } from 'node:crypto';
import { WebhookSecretCipher } from '../src/modules/webhooks/secrets/webhook-secret-cipher';
import { createTestApp, TestApp, webhookBody } from './helpers/test-app'
import { insertDeliveryRows } from './helpers/delivery-rows';;
import { waitUntilBlockedBy } from './helpers/waiting';

const BASE = '/api/v1/webhooks';

describe('Webhook registry (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('creates a webhook, returns the secret once, and masks it afterwards', async () => {
    const tenant = t.as(randomUUID());
    const created = await tenant
      .post(BASE, webhookBody({ description: 'CRM', headers: { 'X-Api-Key': 'abc' } }))
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'CRM sync',
      description: 'CRM',
      url: 'https://example.com/hooks',
      events: ['message.sent', 'campaign.*'],
      headers: { 'X-Api-Key': 'abc' },
      retryPolicy: {
        maxAttempts: 3,
        backoff: 'exponential',
        initialDelayMs: 1000,
        maxDelayMs: 60000,
      },
      timeoutMs: 10000,
      rateLimitPerSecond: null,
      isActive: true,
      status: 'active',
      disabledReason: null,
      totalDeliveries: 0,
      successfulDeliveries: 0,
      failedDeliveries: 0,
      consecutiveFailures: 0,
      lastTriggeredAt: null,
    });
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);

    const fetched = await tenant.get(`${BASE}/${created.body.id}`).expect(200);
    expect(fetched.body.secret).toBe(`whsec_…${secret.slice(-4)}`);
    const listed = await tenant.get(BASE).expect(200);
    expect(listed.body.data[0].secret).toBe(`whsec_…${secret.slice(-4)}`);
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const revealed = await tenant.get(`${BASE}/${created.body.id}/secret`).expect(200);
    expect(revealed.body).toEqual({ secret });
  });

  it('accepts a custom secret and merges a partial retry policy with the defaults', async () => {
    const secret = `whsec_${Buffer.alloc(24, 1).toString('base64')}`;
    const res = await t
      .as(randomUUID())
      .post(
        BASE,
        webhookBody({
          secret,
          retryPolicy: { maxAttempts: 5, backoff: 'linear' },
          timeoutMs: 5000,
          rateLimitPerSecond: 10,
          isActive: false,
        }),
      )
      .expect(201);
    expect(res.body).toMatchObject({
      secret,
      retryPolicy: { maxAttempts: 5, backoff: 'linear', initialDelayMs: 1000, maxDelayMs: 60000 },
      timeoutMs: 5000,
      rateLimitPerSecond: 10,
      isActive: false,
      status: 'disabled',
    });
  });

  it('lists with pagination, isActive and event filters, newest first', async () => {
    const tenant = t.as(randomUUID());
    const a = (
      await tenant.post(BASE, webhookBody({ name: 'a', events: ['message.sent'] })).expect(201)
    ).body;
    const b = (
      await tenant
        .post(BASE, webhookBody({ name: 'b', events: ['campaign.*'], isActive: false }))
        .expect(201)
    ).body;
    const c = (await tenant.post(BASE, webhookBody({ name: 'c', events: ['*'] })).expect(201)).body;

    const all = await tenant.get(BASE).expect(200);
    expect(all.body.meta).toEqual({ page: 1, limit: 20, total: 3 });
    expect(all.body.data.map((w: { id: string }) => w.id)).toEqual([c.id, b.id, a.id]);

    const page2 = await tenant.get(`${BASE}?page=2&limit=2`).expect(200);
    expect(page2.body.meta).toEqual({ page: 2, limit: 2, total: 3 });
    expect(page2.body.data.map((w: { id: string }) => w.id)).toEqual([a.id]);

    const inactive = await tenant.get(`${BASE}?isActive=false`).expect(200);
    expect(inactive.body.data.map((w: { id: string }) => w.id)).toEqual([b.id]);
    const active = await tenant.get(`${BASE}?isActive=true`).expect(200);
    expect(active.body.meta.total).toBe(2);

    const campaign = await tenant.get(`${BASE}?event=campaign.started`).expect(200);
    expect(campaign.body.data.map((w: { id: string }) => w.id)).toEqual([c.id, b.id]);
    const message = await tenant.get(`${BASE}?event=message.sent`).expect(200);
    expect(message.body.data.map((w: { id: string }) => w.id)).toEqual([c.id, a.id]);
  });

  it('rejects bad list queries with 400', async () => {
    const tenant = t.as(randomUUID());
    for (const query of [
      'limit=101',
      'limit=0',
      'page=0',
      'page=x',
      'isActive=yes',
      'event=nope',
      'extra=1',
    ]) {
      const res = await tenant.get(`${BASE}?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
  });

  it('updates with PATCH and PUT, keeping what was not sent', async () => {
    const tenant = t.as(randomUUID());
    const created = (
      await tenant.post(BASE, webhookBody({ rateLimitPerSecond: 5, description: 'd' })).expect(201)
    ).body;
    const patched = await tenant
      .patch(`${BASE}/${created.id}`, {
        name: 'renamed',
        retryPolicy: { maxAttempts: 7 },
        rateLimitPerSecond: null,
        description: null,
      })
      .expect(200);
    expect(patched.body).toMatchObject({
      name: 'renamed',
      url: created.url,
      events: created.events,
      retryPolicy: { maxAttempts: 7, backoff: 'exponential', initialDelayMs: 1000 },
      rateLimitPerSecond: null,
      description: null,
    });
    expect(patched.body.secret).toBe(`whsec_…${created.secret.slice(-4)}`);

    const put = await tenant
      .put(`${BASE}/${created.id}`, { url: 'https://example.org/other', events: ['*'] })
      .expect(200);
    expect(put.body).toMatchObject({
      name: 'renamed',
      url: 'https://example.org/other',
      events: ['*'],
    });
  });

  it('disables and re-enables through isActive, showing the reason while disabled', async () => {
    const tenant = t.as(randomUUID());
    const { id } = (await tenant.post(BASE, webhookBody()).expect(201)).body;
    const off = await tenant.patch(`${BASE}/${id}`, { isActive: false }).expect(200);
    expect(off.body).toMatchObject({ isActive: false, status: 'disabled' });
    expect(off.body.disabledReason).toEqual(expect.any(String));

    await t.dataSource.query(
      `UPDATE webhooks SET consecutive_failures = 20, failing_since = now(), disabled_reason = 'Failing for 24 hours' WHERE id = $1`,
      [id],
    );
    const on = await tenant.patch(`${BASE}/${id}`, { isActive: true }).expect(200);
    expect(on.body).toMatchObject({
      isActive: true,
      status: 'active',
      disabledReason: null,
      consecutiveFailures: 0,
    });
  });

  it('PATCH writes only what it names: counters a worker commits meanwhile survive', async () => {
    const tenant = t.as(randomUUID());
    const { id } = (await tenant.post(BASE, webhookBody()).expect(201)).body;
    const worker = t.dataSource.createQueryRunner();
    await worker.startTransaction();
    try {
      // The "worker" holds the row; the PATCH reads it, then waits for the lock to write.
      const [{ pid }] = await worker.query(`SELECT pg_backend_pid() AS pid`);
      await worker.query(`SELECT id FROM webhooks WHERE id = $1 FOR UPDATE`, [id]);
      const patch = tenant.patch(`${BASE}/${id}`, { name: 'renamed' }).then((res) => res);
      // Only once the PATCH has read the row and waits to write it does the race exist.
      await waitUntilBlockedBy(t.dataSource, pid, (query) => /^UPDATE "webhooks"/.test(query));
      await worker.query(
        `UPDATE webhooks SET total_deliveries = 7, failed_deliveries = 7, consecutive_failures = 7,
                             is_active = false, disabled_reason = 'auto' WHERE id = $1`,
        [id],
      );
      await worker.commitTransaction();
      expect((await patch).status).toBe(200);
    } finally {
      await worker.release();
    }
    const after = (await tenant.get(`${BASE}/${id}`).expect(200)).body;
    expect(after).toMatchObject({
      name: 'renamed',
      totalDeliveries: 7,
      consecutiveFailures: 7,
      isActive: false,
      disabledReason: 'auto',
    });
  });

  it('deletes a webhook with its logs', async () => {
    const tenantId = randomUUID();
    const tenant = t.as(tenantId);
    const { id } = (await tenant.post(BASE, webhookBody()).expect(201)).body;
    await insertDeliveryRows(t.dataSource, { tenantId, webhookId: id, eventId: 'evt_1' });
    await tenant.delete(`${BASE}/${id}`).expect(204);
    await tenant.get(`${BASE}/${id}`).expect(404);
    const [{ count }] = await t.dataSource.query(
      `SELECT count(*)::int AS count FROM webhook_logs WHERE webhook_id = $1`,
      [id],
    );
    expect(count).toBe(0);
    await tenant.delete(`${BASE}/${id}`).expect(404);
  });

  it('deletes the logs of a webhook a host deletes itself, across day partitions', async () => {
    const tenantId = randomUUID();
    const { id } = (await t.as(tenantId).post(BASE, webhookBody()).expect(201)).body;
    await insertDeliveryRows(t.dataSource, { tenantId, webhookId: id, status: 'pending' });
    await insertDeliveryRows(t.dataSource, {
      tenantId,
      webhookId: id,
      status: 'failed',
      age: '2 days',
    });

    await t.dataSource.query(`DELETE FROM webhooks WHERE id = $1`, [id]);

    const [{ count }] = await t.dataSource.query(
      `SELECT count(*)::int AS count FROM webhook_logs WHERE webhook_id = $1`,
      [id],
    );
    expect(count).toBe(0);
  });

  describe('secret rotation', () => {
    for (const route of ['rotate-secret', 'regenerate-secret']) {
      it(`${route} issues a new secret and keeps the old one for the grace period`, async () => {
        const tenant = t.as(randomUUID());
        const created = (await tenant.post(BASE, webhookBody()).expect(201)).body;
        const before = Date.now();
        const rotated = await tenant
          .post(`${BASE}/${created.id}/${route}`, { gracePeriodHours: 2 })
          .expect(200);
        const after = Date.now();
        expect(rotated.body.secret).toMatch(/^whsec_/);
        expect(rotated.body.secret).not.toBe(created.secret);
        expect((await tenant.get(`${BASE}/${created.id}/secret`).expect(200)).body.secret).toBe(
          rotated.body.secret,
        );

        const [row] = await t.dataSource.query(
          `SELECT previous_secret, previous_secret_expires_at FROM webhooks WHERE id = $1`,
          [created.id],
        );
        expect(row.previous_secret).toMatch(/^enc:v1:/);
        expect(t.app.get(WebhookSecretCipher).decrypt(row.previous_secret)).toBe(created.secret);
        // Two hours from the moment the request ran.
        const expiresAt = new Date(row.previous_secret_expires_at).getTime();
        expect(expiresAt).toBeGreaterThanOrEqual(before + 2 * 3600_000);
        expect(expiresAt).toBeLessThanOrEqual(after + 2 * 3600_000);
      });
    }

    it('defaults the grace period to 24 hours and accepts a custom secret', async () => {
      const tenant = t.as(randomUUID());
      const { id } = (await tenant.post(BASE, webhookBody()).expect(201)).body;
      const secret = `whsec_${Buffer.alloc(64, 9).toString('base64')}`;
      const before = Date.now();
      expect(
        (await tenant.post(`${BASE}/${id}/rotate-secret`, { secret }).expect(200)).body,
      ).toEqual({ secret });
      const after = Date.now();
      const [row] = await t.dataSource.query(
        `SELECT previous_secret_expires_at FROM webhooks WHERE id = $1`,
        [id],
      );
      const expiresAt = new Date(row.previous_secret_expires_at).getTime();
      expect(expiresAt).toBeGreaterThanOrEqual(before + 24 * 3600_000);
      expect(expiresAt).toBeLessThanOrEqual(after + 24 * 3600_000);
    });

    it('rejects a grace period over 168 hours or a malformed secret', async () => {
      const tenant = t.as(randomUUID());
      const { id } = (await tenant.post(BASE, webhookBody()).expect(201)).body;
      await tenant.post(`${BASE}/${id}/rotate-secret`, { gracePeriodHours: 169 }).expect(400);
      await tenant.post(`${BASE}/${id}/rotate-secret`, { gracePeriodHours: -1 }).expect(400);
      await tenant.post(`${BASE}/${id}/rotate-secret`, { secret: 'whsec_short' }).expect(400);
      await tenant.post(`${BASE}/${id}/rotate-secret`, { other: 1 }).expect(400);
    });
  });

  describe('tenant isolation', () => {
    it("answers 404 for another tenant's webhook on every route and changes nothing", async () => {
      const owner = t.as(randomUUID());
      const stranger = t.as(randomUUID());
      const created = (await owner.post(BASE, webhookBody()).expect(201)).body;
      const path = `${BASE}/${created.id}`;
      await stranger.get(path).expect(404);
      await stranger.patch(path, { name: 'stolen' }).expect(404);
      await stranger.put(path, { name: 'stolen' }).expect(404);
      await stranger.get(`${path}/secret`).expect(404);
      await stranger.post(`${path}/rotate-secret`, {}).expect(404);
      await stranger.post(`${path}/regenerate-secret`, {}).expect(404);
      await stranger.delete(path).expect(404);
      expect((await stranger.get(BASE).expect(200)).body.meta.total).toBe(0);

      const after = await owner.get(path).expect(200);
      expect(after.body.name).toBe('CRM sync');
      expect((await owner.get(`${path}/secret`).expect(200)).body.secret).toBe(created.secret);
    });

    it('takes the tenant from the token, never from the body', async () => {
      const tenantId = randomUUID();
      await t
        .as(tenantId)
        .post(BASE, webhookBody({ tenantId: randomUUID() }))
        .expect(400);
    });
  });
});
