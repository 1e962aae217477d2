import { randomBytes } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { LOG_OUTPUT, LogOutput } from '../src/logging/logging.module';
import { createTestApp, TestApp } from './helpers/test-app';
import { waitUntil } from './helpers/waiting';
import { LogCapture } from './helpers/log-capture';

const BASE = '/api/v1/webhooks';

/** A fresh value that can only appear in the log if the log leaked it. */
const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

describe('Log redaction of credentials sent in the wrong place (e2e)', () => {
  let t: TestApp;
  const logs = new LogCapture();

  beforeAll(async () => {
    const output: LogOutput = { destination: logs, level: 'info' };
    t = await createTestApp([{ provide: LOG_OUTPUT, useValue: output }]);
  });
  afterAll(() => t.close());

  const server = () => request(t.app.getHttpServer());
  /** The completion line of the request with this id, once it is written. */
  const logged = async (requestId: string) => {
    const record = await waitUntil(
      async () => logs.completion(requestId),
      (found) => found !== undefined,
    );
    if (!record) throw new Error(`no completion line for ${requestId}`);
    return record;
  };

  it('redacts secret-looking query parameters in req.url and req.query, keeping the rest', async () => {
    const leaks = {
      accessToken: secret('access-token'),
      token: secret('token'),
      jwt: secret('jwt'),
      apiKey: secret('api-key'),
      signature: secret('signature'),
      encoded: secret('encoded'),
      repeated: secret('repeated'),
      password: secret('password'),
    };
    const tenantId = randomUUID();
    await server()
      .get(`${BASE}?access_token=${leaks.accessToken}&page=1`)
      .set('authorization', `Bearer ${t.token(tenantId)}`)
      .set('x-request-id', 'query-access-token')
      .expect(400); // access_token is not a parameter of the route
    await server()
      .get(`${BASE}?token=${leaks.token}&limit=5`)
      .set('x-request-id', 'query-token')
      .expect(401);
    await server()
      .get(
        `/nowhere?jwt=${leaks.jwt}&API_KEY=${leaks.apiKey}&Signature=${leaks.signature}` +
          `&%74oken=${leaks.encoded}&session_token=${leaks.repeated}&session_token=${leaks.repeated}` +
          `&password=${leaks.password}&q=visible`,
      )
      .set('x-request-id', 'query-many')
      .expect(404);

    const first = await logged('query-access-token');
    expect(first.req.url).toBe(`${BASE}?access_token=[Redacted]&page=1`);
    expect(first.req.query).toEqual({ access_token: '[Redacted]', page: '1' });
    const second = await logged('query-token');
    expect(second.req.url).toBe(`${BASE}?token=[Redacted]&limit=5`);
    expect(second.req.query).toEqual({ token: '[Redacted]', limit: '5' });
    const third = await logged('query-many');
    expect(third.req.url).toBe(
      '/nowhere?jwt=[Redacted]&API_KEY=[Redacted]&Signature=[Redacted]&%74oken=[Redacted]' +
        '&session_token=[Redacted]&session_token=[Redacted]&password=[Redacted]&q=visible',
    );
    expect(third.req.query).toMatchObject({ q: 'visible', session_token: '[Redacted]' });
    for (const leak of Object.values(leaks)) expect(logs.text).not.toContain(leak);
  });

  it('logs request headers by allow-list: any other header is only named', async () => {
    const leaks = {
      accessToken: secret('x-access-token'),
      apiKey: secret('x-api-key'),
      authToken: secret('x-auth-token'),
      madeUp: secret('made-up'),
      cookie: secret('cookie'),
      proxy: secret('proxy'),
      bearer: t.token(randomUUID()),
    };
    await server()
      .get(BASE)
      .set('authorization', `Bearer ${leaks.bearer}`)
      .set('x-access-token', leaks.accessToken)
      .set('x-api-key', leaks.apiKey)
      .set('x-auth-token', leaks.authToken)
      .set('x-tenant-credentials', leaks.madeUp)
      .set('cookie', `session=${leaks.cookie}`)
      .set('proxy-authorization', `Basic ${leaks.proxy}`)
      .set('user-agent', 'redaction-test/1.0')
      .set('x-request-id', 'header-allow-list')
      .expect(200);

    const record = await logged('header-allow-list');
    expect(record.req.headers).toMatchObject({
      'user-agent': 'redaction-test/1.0',
      'x-request-id': 'header-allow-list',
      authorization: '[Redacted]',
      'x-access-token': '[Redacted]',
      'x-api-key': '[Redacted]',
      'x-auth-token': '[Redacted]',
      'x-tenant-credentials': '[Redacted]',
      cookie: '[Redacted]',
      'proxy-authorization': '[Redacted]',
    });
    expect(record.req.headers.host).toMatch(/^127\.0\.0\.1:\d+$/);
    for (const leak of Object.values(leaks)) expect(logs.text).not.toContain(leak);
  });

  it('logs response headers by allow-list: the admin cookie set at login never appears', async () => {
    const adminToken = t.token(randomUUID(), { admin: true });
    await server()
      .post('/admin/login')
      .type('form')
      .send({ token: adminToken })
      .set('x-request-id', 'admin-login')
      .expect(303);

    const record = await logged('admin-login');
    expect(record.res.statusCode).toBe(303);
    expect(record.res.headers['set-cookie']).toBe('[Redacted]');
    expect(record.res.headers['x-request-id']).toBe('admin-login');
    expect(logs.text).not.toContain(adminToken);
    expect(logs.text).not.toContain(adminToken.split('.')[2]);
  });
});
