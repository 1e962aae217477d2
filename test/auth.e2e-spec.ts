import * as jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DEV_JWT_SECRET } from '../src/config/env';
import { createTestApp, TestApp, webhookBody } from './helpers/test-app';

const BASE = '/api/v1/webhooks';

const b64url = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

const validClaims = (extra: Record<string, unknown> = {}) => ({
  sub: 'test-user',
  tenantId: randomUUID(),
  roles: [],
  ...extra,
});
/** Valid tokens expire: five minutes unless the claims or options say otherwise. */
const sign = (claims: object, options: jwt.SignOptions = {}, secret: string = DEV_JWT_SECRET) =>
  jwt.sign(claims, secret, {
    algorithm: 'HS256',
    ...('exp' in claims ? {} : { expiresIn: 300 }),
    ...options,
  });

/** Authorization header values that must all be refused with 401. */
const BAD_AUTHORIZATION: Array<[label: string, header: () => string | undefined]> = [
  ['no Authorization header', () => undefined],
  ['an empty Authorization header', () => ''],
  ['Basic credentials', () => 'Basic xyz'],
  ['Basic with a valid token', () => `Basic ${sign(validClaims())}`],
  ['Bearer without a token', () => 'Bearer'],
  ['Bearer and a blank', () => 'Bearer '],
  ['the token without a scheme', () => sign(validClaims())],
  ['a garbage token', () => 'Bearer garbage'],
  ['three garbage segments', () => 'Bearer aaa.bbb.ccc'],
  [
    'a token signed with a different secret',
    () => `Bearer ${sign(validClaims(), {}, 'x'.repeat(40))}`,
  ],
  ['an expired token (expiresIn -10)', () => `Bearer ${sign(validClaims(), { expiresIn: -10 })}`],
  ['an expired token (exp in the past)', () => `Bearer ${sign(validClaims({ exp: now() - 60 }))}`],
  [
    'a token not valid yet (nbf in the future)',
    () => `Bearer ${sign(validClaims({ nbf: now() + 600 }))}`,
  ],
  [
    'an unsigned token (alg none)',
    () => `Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(validClaims({ iat: now() }))}.`,
  ],
  [
    'alg none with the signature of a valid token',
    () => {
      const signature = sign(validClaims()).split('.')[2];
      return `Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(validClaims())}.${signature}`;
    },
  ],
  [
    'an HS512 token signed with the right secret',
    () => `Bearer ${sign(validClaims(), { algorithm: 'HS512' })}`,
  ],
  [
    'an HS384 token signed with the right secret',
    () => `Bearer ${sign(validClaims(), { algorithm: 'HS384' })}`,
  ],
  [
    'a valid token with a tampered payload',
    () => {
      const [header, , signature] = sign(validClaims()).split('.');
      return `Bearer ${header}.${b64url(validClaims())}.${signature}`;
    },
  ],
  [
    'a token that never expires (no exp)',
    () => `Bearer ${jwt.sign(validClaims(), DEV_JWT_SECRET, { algorithm: 'HS256' })}`,
  ],
  ['a token without tenantId', () => `Bearer ${sign({ sub: 'test-user', roles: [] })}`],
  ['a token with a non-UUID tenantId', () => `Bearer ${sign(validClaims({ tenantId: 'acme' }))}`],
  ['a token with a numeric tenantId', () => `Bearer ${sign(validClaims({ tenantId: 42 }))}`],
  ['a token without sub', () => `Bearer ${sign({ tenantId: randomUUID(), roles: [] })}`],
  ['a token with an empty sub', () => `Bearer ${sign(validClaims({ sub: '' }))}`],
  ['a token with a numeric sub', () => `Bearer ${sign(validClaims({ sub: 7 }))}`],
  ['a token with roles as a string', () => `Bearer ${sign(validClaims({ roles: 'admin' }))}`],
  [
    'a token with roles as an object',
    () => `Bearer ${sign(validClaims({ roles: { admin: true } }))}`,
  ],
  ['a token with non-string roles', () => `Bearer ${sign(validClaims({ roles: [1] }))}`],
  [
    'a token whose payload is a string',
    () => `Bearer ${jwt.sign('just-a-string', DEV_JWT_SECRET)}`,
  ],
];

describe('Authentication (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const withAuth = (test: request.Test, header: string | undefined) =>
    header === undefined ? test : test.set('Authorization', header);

  function expect401(res: request.Response): void {
    expect({ status: res.status, body: res.body }).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', message: expect.any(String) },
    });
  }

  describe.each(BAD_AUTHORIZATION)('%s', (_, header) => {
    it('GET /api/v1/webhooks → 401', async () => {
      const res = await withAuth(request(t.app.getHttpServer()).get(BASE), header());
      expect401(res);
    });

    it('POST /api/v1/webhooks → 401 and nothing is written', async () => {
      const [{ count: before }] = await t.dataSource.query(
        'SELECT count(*)::int AS count FROM webhooks',
      );
      const res = await withAuth(request(t.app.getHttpServer()).post(BASE), header()).send(
        webhookBody(),
      );
      expect401(res);
      const [{ count: after }] = await t.dataSource.query(
        'SELECT count(*)::int AS count FROM webhooks',
      );
      expect(after).toBe(before);
    });

    it('GET /api/v1/webhooks/events → 401', async () => {
      const res = await withAuth(request(t.app.getHttpServer()).get(`${BASE}/events`), header());
      expect401(res);
    });
  });

  it('checks the token before validating the body', async () => {
    const res = await request(t.app.getHttpServer()).post(BASE).send({ nonsense: true });
    expect401(res);
  });

  it('accepts a valid HS256 token on list and create, scoping to its tenant', async () => {
    const tenantId = randomUUID();
    const token = sign(validClaims({ tenantId }), { expiresIn: 60 });
    const server = t.app.getHttpServer();
    const created = await request(server)
      .post(BASE)
      .set('Authorization', `Bearer ${token}`)
      .send(webhookBody())
      .expect(201);
    const listed = await request(server)
      .get(BASE)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(listed.body.data.map((w: { id: string }) => w.id)).toEqual([created.body.id]);
    const [row] = await t.dataSource.query('SELECT tenant_id FROM webhooks WHERE id = $1', [
      created.body.id,
    ]);
    expect(row.tenant_id).toBe(tenantId);
  });

  it('accepts the token of the helper, the lower-case scheme and a token without roles', async () => {
    const server = t.app.getHttpServer();
    await request(server).get(BASE).set('Authorization', `Bearer ${t.token()}`).expect(200);
    await request(server)
      .get(BASE)
      .set('Authorization', `bearer ${sign(validClaims())}`)
      .expect(200);
    await request(server)
      .get(BASE)
      .set('Authorization', `Bearer ${sign({ sub: 'u', tenantId: randomUUID() })}`)
      .expect(200);
  });

  it('treats an upper-case tenantId as the same tenant', async () => {
    const tenantId = randomUUID();
    const server = t.app.getHttpServer();
    const created = await request(server)
      .post(BASE)
      .set('Authorization', `Bearer ${sign(validClaims({ tenantId: tenantId.toUpperCase() }))}`)
      .send(webhookBody())
      .expect(201);
    await request(server)
      .get(`${BASE}/${created.body.id}`)
      .set('Authorization', `Bearer ${sign(validClaims({ tenantId }))}`)
      .expect(200);
  });

  describe('GET /api/v1/webhooks/events', () => {
    it('returns the catalog: 22 event types, "*", webhook.test and the operational events', async () => {
      const res = await t.as(randomUUID()).get(`${BASE}/events`).expect(200);
      expect(Object.keys(res.body)).toEqual(['events']);
      const { events } = res.body as {
        events: Array<{
          type: string;
          category: string;
          description: string;
          samplePayload: unknown;
        }>;
      };
      expect(events).toHaveLength(26);
      for (const entry of events) {
        expect(Object.keys(entry).sort()).toEqual([
          'category',
          'description',
          'samplePayload',
          'type',
        ]);
        expect(entry).toEqual({
          type: expect.any(String),
          category: expect.any(String),
          description: expect.any(String),
          samplePayload: expect.any(Object),
        });
        expect(entry.description.length).toBeGreaterThan(0);
      }
      const types = events.map((entry) => entry.type);
      expect(new Set(types).size).toBe(26);
      expect(types).toEqual(
        expect.arrayContaining([
          'message.new',
          'message.sent',
          'message.delivered',
          'message.read',
          'message.failed',
          'conversation.created',
          'conversation.updated',
          'conversation.assigned',
          'conversation.resolved',
          'conversation.closed',
          'contact.created',
          'contact.updated',
          'campaign.started',
          'campaign.completed',
          'campaign.failed',
          'flow.started',
          'flow.completed',
          'flow.failed',
          'automation.triggered',
          'automation.completed',
          'template.approved',
          'template.rejected',
          '*',
          'webhook.test',
          'webhook.disabled',
          'webhook.delivery_failed',
        ]),
      );
      expect(events.find((entry) => entry.type === 'message.sent')?.category).toBe('message');
    });
  });
});
