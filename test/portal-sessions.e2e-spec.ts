import { randomUUID } from 'node:crypto';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { WebhooksConfig } from '../src/modules/webhooks/options/webhooks-config';
import { mintPortalToken } from '../src/modules/webhooks/portal/portal-token';
import { QueueAdminService } from '../src/modules/webhooks/queue-admin/queue-admin.service';
import {
  DeliveryPipeline,
  LogPage,
  ONE_ATTEMPT,
  startDeliveryPipeline,
  WEBHOOKS_BASE as BASE,
} from './helpers/delivery-harness';
import { TenantClient, TestApp, webhookBody } from './helpers/test-app';

const SESSIONS = `${BASE}/portal/sessions`;
const SESSION = `${BASE}/portal/session`;
const INVALID = 'This portal session is invalid or has expired';
const READ_ONLY = 'This portal session is read-only';

interface CreatedSession {
  url: string;
  token: string;
  expiresAt: string;
}

describe('Portal sessions (e2e)', () => {
  let pipeline: DeliveryPipeline;
  let t: TestApp;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    pipeline = await startDeliveryPipeline({ retryPolicy: ONE_ATTEMPT });
    t = pipeline.t;
    // Listening, so the link's default origin is the port the app really answers on.
    await t.app.listen(0, '127.0.0.1');
    server = t.app.getHttpServer();
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => pipeline.close());

  /** A client sending `Authorization: Bearer <token>`, as the portal page does. */
  const withToken = (token: string): TenantClient => {
    const auth = `Bearer ${token}`;
    return {
      get: (path) => request(server).get(path).set('Authorization', auth),
      post: (path, body) => request(server).post(path).set('Authorization', auth).send(body),
      patch: (path, body) => request(server).patch(path).set('Authorization', auth).send(body),
      put: (path, body) => request(server).put(path).set('Authorization', auth).send(body),
      delete: (path) => request(server).delete(path).set('Authorization', auth),
    };
  };

  async function createSession(tenantId: string, body: object = {}): Promise<CreatedSession> {
    return (await t.as(tenantId).post(SESSIONS, body).expect(201)).body as CreatedSession;
  }

  const portalOf = async (tenantId: string, body: object = {}) =>
    withToken((await createSession(tenantId, body)).token);

  /** A tenant with a webhook at a receiver path and one finished delivery (a test send). */
  async function tenantWithDelivery() {
    const tenantId = randomUUID();
    const path = `/portal-${randomUUID()}`;
    const webhook = await pipeline.register(tenantId, path);
    const test = await t.as(tenantId).post(`${BASE}/${webhook.id}/test`, {}).expect(200);
    return { tenantId, path, webhook, logId: test.body.logId as string };
  }

  const appKey = () => t.app.get(WebhooksConfig).secretEncryptionKey;

  describe('POST /webhooks/portal/sessions', () => {
    it('answers a link to the portal page with the token in the fragment, for an hour', async () => {
      const before = Date.now();
      const session = await createSession(randomUUID());
      expect(session).toEqual({
        url: expect.any(String),
        token: expect.stringMatching(/^whp_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/),
        expiresAt: expect.any(String),
      });
      const url = new URL(session.url);
      expect(url.origin).toBe(origin);
      expect(url.pathname).toBe('/portal');
      expect(url.search).toBe('');
      expect(url.hash).toBe(`#token=${session.token}`);
      expect(session.url).toBe(`${origin}/portal#token=${session.token}`);
      const expiresAt = Date.parse(session.expiresAt);
      expect(new Date(expiresAt).toISOString()).toBe(session.expiresAt);
      expect(expiresAt % 1000).toBe(0);
      expect(expiresAt).toBeGreaterThan(before + 3_600_000 - 1000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
    });

    it('takes expiresInMinutes (up to a week) and readOnly, which the session reports', async () => {
      const before = Date.now();
      const session = await createSession(randomUUID(), {
        expiresInMinutes: 10080,
        readOnly: true,
      });
      const week = 10080 * 60_000;
      expect(Date.parse(session.expiresAt)).toBeGreaterThan(before + week - 1000);
      expect(Date.parse(session.expiresAt)).toBeLessThanOrEqual(Date.now() + week);
      const state = await withToken(session.token).get(SESSION).expect(200);
      expect(state.body).toEqual({ readOnly: true, expiresAt: session.expiresAt });

      const short = await createSession(randomUUID(), { expiresInMinutes: 1, readOnly: false });
      expect(Date.parse(short.expiresAt)).toBeLessThanOrEqual(Date.now() + 60_000);
      expect((await withToken(short.token).get(SESSION).expect(200)).body).toEqual({
        readOnly: false,
        expiresAt: short.expiresAt,
      });
    });

    it.each<[string, unknown, RegExp]>([
      ['expiresInMinutes 0', { expiresInMinutes: 0 }, /expiresInMinutes must not be less than 1/],
      [
        'expiresInMinutes over a week',
        { expiresInMinutes: 10081 },
        /expiresInMinutes must not be greater than 10080/,
      ],
      [
        'a fractional expiresInMinutes',
        { expiresInMinutes: 1.5 },
        /expiresInMinutes must be an integer/,
      ],
      [
        'expiresInMinutes as a string',
        { expiresInMinutes: '60' },
        /expiresInMinutes must be an integer/,
      ],
      ['readOnly as a string', { readOnly: 'true' }, /readOnly must be a boolean/],
      ['readOnly as a number', { readOnly: 1 }, /readOnly must be a boolean/],
      ['an unknown field', { tenantId: randomUUID() }, /property tenantId should not exist/],
    ])('answers 400 to %s, and makes no session', async (_, body, message) => {
      const res = await t
        .as(randomUUID())
        .post(SESSIONS, body as object)
        .expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: expect.arrayContaining([expect.stringMatching(message)]),
      });
      expect(JSON.stringify(res.body)).not.toContain('whp_');
    });

    it.each([
      ['truncated JSON', '{"readOnly": tru'],
      ['a bare string', '"readOnly"'],
      ['an array', '[{"readOnly": true}]'],
      ['null', 'null'],
    ])('answers 400 to a body that is not a JSON object: %s', async (_, raw) => {
      const res = await request(server)
        .post(SESSIONS)
        .set('Authorization', `Bearer ${t.token()}`)
        .set('Content-Type', 'application/json')
        .send(raw)
        .expect(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: expect.anything(),
      });
      expect(JSON.stringify(res.body)).not.toContain('whp_');
    });

    it('answers 401 without a tenant', async () => {
      await request(server).post(SESSIONS).send({}).expect(401);
    });

    it.each([false, true])(
      'answers 403 to a portal session (readOnly %s): a link cannot make links',
      async (readOnly) => {
        const portal = await portalOf(randomUUID(), { readOnly });
        const res = await portal.post(SESSIONS, {}).expect(403);
        expect(res.body).toEqual({
          statusCode: 403,
          error: 'Forbidden',
          message: 'This route is not open to portal sessions',
        });
      },
    );
  });

  describe('GET /webhooks/portal/session', () => {
    it("answers the host's own callers as an unrestricted caller without expiry", async () => {
      const res = await t.as(randomUUID()).get(SESSION).expect(200);
      expect(res.body).toEqual({ readOnly: false, expiresAt: null });
    });

    it('answers 401 to an expired session, so the page can tell the link is stale', async () => {
      const expired = mintPortalToken(appKey(), {
        tenantId: randomUUID(),
        expiresAt: new Date(Date.now() - 1000),
      });
      const res = await withToken(expired).get(SESSION).expect(401);
      expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: INVALID });
    });
  });

  describe("a session's tenant", () => {
    it("opens the tenant's own webhooks, logs and stats, and nothing of another tenant", async () => {
      const own = await tenantWithDelivery();
      const other = await tenantWithDelivery();
      const portal = await portalOf(own.tenantId);

      const list = await portal.get(BASE).expect(200);
      expect(list.body.data.map((w: { id: string }) => w.id)).toEqual([own.webhook.id]);
      expect(list.body.meta.total).toBe(1);
      expect((await portal.get(`${BASE}/${own.webhook.id}`).expect(200)).body.id).toBe(
        own.webhook.id,
      );
      const logs = (await portal.get(`${BASE}/${own.webhook.id}/logs`).expect(200)).body as LogPage;
      expect(logs.data.map((log) => log.id)).toEqual([own.logId]);
      const log = await portal.get(`${BASE}/${own.webhook.id}/logs/${own.logId}`).expect(200);
      expect(log.body.attempts).toHaveLength(1);
      const stats = await portal.get(`${BASE}/${own.webhook.id}/stats`).expect(200);
      expect(stats.body.totalDeliveries).toBe(1);
      await portal.get(`${BASE}/events`).expect(200);

      for (const path of [
        `${BASE}/${other.webhook.id}`,
        `${BASE}/${other.webhook.id}/logs`,
        `${BASE}/${other.webhook.id}/logs/${other.logId}`,
        `${BASE}/${other.webhook.id}/stats`,
        `${BASE}/${other.webhook.id}/secret`,
      ]) {
        await portal.get(path).expect(404);
      }
      await portal.delete(`${BASE}/${other.webhook.id}`).expect(404);
      await t.as(other.tenantId).get(`${BASE}/${other.webhook.id}`).expect(200);
    });

    it.each<[string, (token: string, tenantId: string) => string]>([
      ['another tenant put in its claims', (token) => withClaims(token, { t: randomUUID() })],
      ['readOnly removed from its claims', (token) => withClaims(token, { r: 0 })],
      ['a later expiry put in its claims', (token) => withClaims(token, { e: 4102444800 })],
      ['a cut signature', (token) => token.slice(0, -2)],
      [
        'the signature of another session',
        (token, tenantId) =>
          `${token.split('.')[0]}.${
            mintPortalToken(appKey(), {
              tenantId,
              expiresAt: new Date(Date.now() + 60_000),
            }).split('.')[1]
          }`,
      ],
      [
        'a token signed under another key',
        (_, tenantId) =>
          mintPortalToken(Buffer.alloc(32, 1).toString('base64'), {
            tenantId,
            expiresAt: new Date(Date.now() + 60_000),
          }),
      ],
      [
        'an expired token',
        (_, tenantId) =>
          mintPortalToken(appKey(), { tenantId, expiresAt: new Date(Date.now() - 1000) }),
      ],
    ])('answers 401 to %s', async (_, alter) => {
      const { tenantId, webhook } = await tenantWithDelivery();
      const { token } = await createSession(tenantId, { readOnly: true });
      const portal = withToken(alter(token, tenantId));
      for (const path of [BASE, `${BASE}/${webhook.id}`, SESSION]) {
        const res = await portal.get(path).expect(401);
        expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: INVALID });
      }
      await portal.patch(`${BASE}/${webhook.id}`, { name: 'taken over' }).expect(401);
      const stored = await t.as(tenantId).get(`${BASE}/${webhook.id}`).expect(200);
      expect(stored.body.name).toBe('CRM sync');
    });

    it.each([false, true])('never opens the admin routes (readOnly %s)', async (readOnly) => {
      const portal = await portalOf(randomUUID(), { readOnly });
      for (const res of [
        await portal.get(`${BASE}/queue/stats`),
        await portal.post(`${BASE}/queue/pause`, {}),
        await portal.post(`${BASE}/queue/retry-failed`, {}),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body.message).toBe('A portal session never opens admin routes');
      }
      // The refused pause left the queue running; an admin's own token still opens the route.
      expect(await t.app.get(QueueAdminService).isPaused()).toBe(false);
      await t.as(randomUUID(), { admin: true }).get(`${BASE}/queue/stats`).expect(200);
    });

    it('answers 401, not 403, on an admin route to an expired session', async () => {
      const expired = mintPortalToken(appKey(), {
        tenantId: randomUUID(),
        expiresAt: new Date(Date.now() - 1000),
      });
      const res = await withToken(expired).get(`${BASE}/queue/stats`).expect(401);
      expect(res.body.message).toBe(INVALID);
    });
  });

  describe('a read-only session', () => {
    it('reads everything but the secret', async () => {
      const { tenantId, webhook, logId } = await tenantWithDelivery();
      const portal = await portalOf(tenantId, { readOnly: true });
      for (const path of [
        BASE,
        `${BASE}/events`,
        `${BASE}/${webhook.id}`,
        `${BASE}/${webhook.id}/logs`,
        `${BASE}/${webhook.id}/logs/${logId}`,
        `${BASE}/${webhook.id}/stats?period=7d`,
        SESSION,
      ]) {
        await portal.get(path).expect(200);
      }
      const secret = await portal.get(`${BASE}/${webhook.id}/secret`).expect(403);
      expect(secret.body).toEqual({ statusCode: 403, error: 'Forbidden', message: READ_ONLY });
      expect(JSON.stringify(secret.body)).not.toContain(webhook.secret);
    });

    it('is refused every change, and nothing changes', async () => {
      const { tenantId, path, webhook, logId } = await tenantWithDelivery();
      const portal = await portalOf(tenantId, { readOnly: true });
      const before = await snapshot(tenantId, webhook.id);
      const sent = pipeline.receiver.received(path).length;
      const id = webhook.id;
      const refusals = [
        portal.post(BASE, webhookBody({ url: pipeline.receiver.url(path) })),
        portal.patch(`${BASE}/${id}`, { name: 'renamed', isActive: false }),
        portal.put(`${BASE}/${id}`, { name: 'replaced' }),
        portal.delete(`${BASE}/${id}`),
        portal.post(`${BASE}/${id}/rotate-secret`, {}),
        portal.post(`${BASE}/${id}/regenerate-secret`, { gracePeriodHours: 0 }),
        portal.post(`${BASE}/${id}/test`, {}),
        portal.post(`${BASE}/${id}/logs/${logId}/retry`),
        portal.post(`${BASE}/${id}/recover`, { since: new Date(Date.now() - 3_600_000) }),
        portal.get(`${BASE}/${id}/secret`),
      ];
      for (const refusal of refusals) {
        const res = await refusal;
        expect({ status: res.status, body: res.body }).toEqual({
          status: 403,
          body: { statusCode: 403, error: 'Forbidden', message: READ_ONLY },
        });
      }
      expect(await snapshot(tenantId, webhook.id)).toEqual(before);
      expect(pipeline.receiver.received(path)).toHaveLength(sent);
    });
  });

  describe('a full session', () => {
    it('does what the tenant can: create, update, test, retry, recover, rotate, reveal, delete', async () => {
      const { tenantId, path, webhook, logId } = await tenantWithDelivery();
      const portal = await portalOf(tenantId);
      const id = webhook.id;
      const sent = pipeline.receiver.received(path).length;

      const created = await portal
        .post(BASE, webhookBody({ url: pipeline.receiver.url(`/second-${randomUUID()}`) }))
        .expect(201);
      expect(created.body.secret).toMatch(/^whsec_/);
      expect((await portal.patch(`${BASE}/${id}`, { name: 'renamed' }).expect(200)).body.name).toBe(
        'renamed',
      );
      expect((await portal.put(`${BASE}/${id}`, { name: 'replaced' }).expect(200)).body.name).toBe(
        'replaced',
      );
      const test = await portal.post(`${BASE}/${id}/test`, {}).expect(200);
      expect(test.body.success).toBe(true);
      expect(pipeline.receiver.received(path)).toHaveLength(sent + 1);
      await portal.post(`${BASE}/${id}/logs/${logId}/retry`).expect(202);
      const recovered = await portal
        .post(`${BASE}/${id}/recover`, { since: new Date(Date.now() - 3_600_000) })
        .expect(202);
      expect(recovered.body).toEqual({ queued: 0 });
      const rotated = await portal.post(`${BASE}/${id}/rotate-secret`, {}).expect(200);
      const regenerated = await portal.post(`${BASE}/${id}/regenerate-secret`, {}).expect(200);
      expect(regenerated.body.secret).not.toBe(rotated.body.secret);
      expect((await portal.get(`${BASE}/${id}/secret`).expect(200)).body).toEqual({
        secret: regenerated.body.secret,
      });
      await portal.delete(`${BASE}/${id}`).expect(204);
      await t.as(tenantId).get(`${BASE}/${id}`).expect(404);
      const list = await t.as(tenantId).get(BASE).expect(200);
      expect(list.body.data.map((w: { id: string }) => w.id)).toEqual([created.body.id]);
    });
  });

  it('the OpenAPI document lists both routes with their bodies and responses', async () => {
    const doc = (await request(server).get('/api/docs-json').expect(200)).body;
    const create = doc.paths['/api/v1/webhooks/portal/sessions']?.post;
    expect(create.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CreatePortalSessionDto',
    });
    expect(create.responses['201'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/PortalSessionResponse',
    });
    expect(create.responses).toHaveProperty('403');
    const state = doc.paths['/api/v1/webhooks/portal/session']?.get;
    expect(state.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/PortalSessionStateResponse',
    });
    const schemas = doc.components.schemas;
    expect(schemas.CreatePortalSessionDto.properties).toEqual({
      expiresInMinutes: expect.objectContaining({
        type: 'number',
        minimum: 1,
        maximum: 10080,
        default: 60,
      }),
      readOnly: expect.objectContaining({ type: 'boolean', default: false }),
    });
    expect(schemas.PortalSessionResponse.required).toEqual(['url', 'token', 'expiresAt']);
    expect(Object.keys(schemas.PortalSessionStateResponse.properties)).toEqual([
      'readOnly',
      'expiresAt',
    ]);
  });

  /** What the refused requests could have changed, read through the host's own token. */
  async function snapshot(tenantId: string, webhookId: string) {
    const host = t.as(tenantId);
    const [list, webhook, secret, logs] = await Promise.all([
      host.get(BASE).expect(200),
      host.get(`${BASE}/${webhookId}`).expect(200),
      host.get(`${BASE}/${webhookId}/secret`).expect(200),
      host.get(`${BASE}/${webhookId}/logs`).expect(200),
    ]);
    return { list: list.body, webhook: webhook.body, secret: secret.body, logs: logs.body };
  }
});

/** The token with some claims replaced and its signature kept: what a tamperer would send. */
function withClaims(token: string, changes: Record<string, unknown>): string {
  const [body, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(body.slice(4), 'base64url').toString());
  const altered = Buffer.from(JSON.stringify({ ...claims, ...changes })).toString('base64url');
  return `whp_${altered}.${signature}`;
}
