import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import request from 'supertest';
import { createTestApp, TenantClient, TestApp, webhookBody } from './helpers/test-app';

const BASE = '/api/v1/webhooks';

/** An error body is exactly `{ statusCode, error, message }`. */
function expectErrorShape(res: request.Response, status: number): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: {
      statusCode: status,
      error: STATUS_CODES[status],
      message: expect.anything(),
    },
  });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const { message } = res.body as { message: unknown };
  if (Array.isArray(message)) {
    expect(message.length).toBeGreaterThan(0);
    for (const item of message) expect(typeof item).toBe('string');
  } else {
    expect(typeof message).toBe('string');
  }
}

/** A 400 whose message list has an entry containing every one of `parts`. */
function expectBadRequest(res: request.Response, ...parts: string[]): void {
  expectErrorShape(res, 400);
  const messages: string[] = [res.body.message].flat();
  for (const part of parts) {
    expect(messages).toEqual(expect.arrayContaining([expect.stringContaining(part)]));
  }
}

const secretOf = (bytes: number) => `whsec_${Buffer.alloc(bytes, 3).toString('base64')}`;
const urlOf = (length: number) => {
  const prefix = 'https://example.com/';
  return prefix + 'a'.repeat(length - prefix.length);
};
const manyHeaders = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`X-Custom-${i}`, `v${i}`]));

type BadCase = [label: string, body: Record<string, unknown>, messageParts: string[]];

/** Field values wrong on create and on update alike. */
const BAD_FIELDS: BadCase[] = [
  ['name empty', { name: '' }, ['name should not be empty']],
  ['name 256 chars', { name: 'n'.repeat(256) }, ['name must be shorter than or equal to 255']],
  ['name a number', { name: 5 }, ['name must be a string']],
  ['name with a NUL character', { name: 'CRM\u0000sync' }, ['name']],
  ['url ftp://', { url: 'ftp://example.com/hooks' }, ['url must use http or https']],
  ['url javascript:', { url: 'javascript:alert(1)' }, ['url must use http or https']],
  ['url relative', { url: '/hooks' }, ['url must be an absolute http(s) URL']],
  ['url not a URL', { url: 'not a url' }, ['url must be an absolute http(s) URL']],
  ['url 2049 chars', { url: urlOf(2049) }, ['url must be at most 2048 characters']],
  [
    'url with credentials',
    { url: 'https://user:hunter2@example.com/hooks' },
    ['url must not contain credentials'],
  ],
  ['url with a NUL character', { url: 'https://example.com/a\u0000b' }, ['url']],
  ['url empty', { url: '' }, ['url must be a non-empty string']],
  ['url a number', { url: 42 }, ['url must be a non-empty string']],
  [
    'url with a fragment',
    { url: 'https://example.com/hooks#x' },
    ['url must not contain a fragment'],
  ],
  ['events empty', { events: [] }, ['events must contain at least 1 elements']],
  ['events unknown type', { events: ['message.nope'] }, ['"message.nope" is not a known event']],
  ['events pattern nope.*', { events: ['nope.*'] }, ['"nope.*" is not a known event']],
  ['events bare category', { events: ['message'] }, ['"message" is not a known event']],
  ['events *.*', { events: ['*.*'] }, ['"*.*" is not a known event']],
  ['events test type', { events: ['webhook.test'] }, ['"webhook.test" is not a known event']],
  [
    'events one bad among good ones',
    { events: ['message.sent', 'nope'] },
    ['"nope" is not a known event'],
  ],
  ['events a string', { events: 'message.sent' }, ['events must be an array']],
  ['events an object', { events: { 0: 'message.sent' } }, ['events must be an array']],
  [
    'events duplicates',
    { events: ['message.sent', 'message.sent'] },
    ["events's elements must be unique"],
  ],
  ['events non-string item', { events: [5] }, ['"5" is not a known event']],
  [
    'description 1001 chars',
    { description: 'd'.repeat(1001) },
    ['description must be shorter than or equal to 1000'],
  ],
  ['description a number', { description: 5 }, ['description must be a string']],
  ['description with a NUL character', { description: 'a\u0000b' }, ['description']],
  ['secret without prefix', { secret: Buffer.alloc(32, 3).toString('base64') }, ['secret must be']],
  ['secret bad base64', { secret: 'whsec_not*base64!!' }, ['secret must be']],
  ['secret 23 bytes', { secret: secretOf(23) }, ['secret must be']],
  ['secret 65 bytes', { secret: secretOf(65) }, ['secret must be']],
  ['secret a number', { secret: 12345 }, ['secret must be']],
  ['headers 21 entries', { headers: manyHeaders(21) }, ['headers must have at most 20 entries']],
  ...[
    'Content-Type',
    'content-type',
    'host',
    'HOST',
    'Content-Length',
    'User-Agent',
    'user-agent',
    'webhook-id',
    'Webhook-Signature',
    'X-Webhook-Signature',
    'x-webhook-event',
  ].map((name): BadCase => [
    `headers reserved ${name}`,
    { headers: { [name]: 'x' } },
    [`"${name}" is reserved`],
  ]),
  [
    'headers non-string value',
    { headers: { 'X-Api-Key': 5 } },
    ['value of "X-Api-Key" must be a string'],
  ],
  [
    'headers value with a newline',
    { headers: { 'X-Api-Key': 'abc\r\nX-Injected: 1' } },
    ['value of "X-Api-Key" may contain only visible ASCII characters, spaces and tabs'],
  ],
  [
    'headers invalid name',
    { headers: { 'X Api Key': 'abc' } },
    ['"X Api Key" is not a valid header name'],
  ],
  ['headers an array', { headers: ['X-Api-Key: abc'] }, ['headers must be an object']],
  ['headers a string', { headers: 'X-Api-Key: abc' }, ['headers must be an object']],
  [
    'retryPolicy.maxAttempts 0',
    { retryPolicy: { maxAttempts: 0 } },
    ['retryPolicy.maxAttempts must not be less than 1'],
  ],
  [
    'retryPolicy.maxAttempts 11',
    { retryPolicy: { maxAttempts: 11 } },
    ['retryPolicy.maxAttempts must not be greater than 10'],
  ],
  [
    'retryPolicy.maxAttempts 2.5',
    { retryPolicy: { maxAttempts: 2.5 } },
    ['retryPolicy.maxAttempts must be an integer'],
  ],
  [
    'retryPolicy.backoff random',
    { retryPolicy: { backoff: 'random' } },
    ['retryPolicy.backoff must be one of the following values: exponential, linear, fixed'],
  ],
  [
    'retryPolicy.initialDelayMs 99',
    { retryPolicy: { initialDelayMs: 99 } },
    ['retryPolicy.initialDelayMs must not be less than 100'],
  ],
  [
    'retryPolicy.maxDelayMs 86400001',
    { retryPolicy: { maxDelayMs: 86_400_001 } },
    ['retryPolicy.maxDelayMs must not be greater than 86400000'],
  ],
  [
    'retryPolicy.maxDelayMs below initialDelayMs',
    { retryPolicy: { initialDelayMs: 5000, maxDelayMs: 1000 } },
    ['retryPolicy.maxDelayMs must be at least retryPolicy.initialDelayMs'],
  ],
  [
    'retryPolicy.initialDelayMs above the default maxDelayMs',
    { retryPolicy: { initialDelayMs: 120_000 } },
    ['retryPolicy.maxDelayMs must be at least retryPolicy.initialDelayMs'],
  ],
  [
    'retryPolicy unknown nested field',
    { retryPolicy: { maxAttempts: 3, jitter: true } },
    ['retryPolicy.property jitter should not exist'],
  ],
  ['retryPolicy a string', { retryPolicy: 'exponential' }, ['retryPolicy must be an object']],
  [
    'retryPolicy an array',
    { retryPolicy: [{ maxAttempts: 3 }] },
    ['retryPolicy must be an object'],
  ],
  ['timeoutMs 999', { timeoutMs: 999 }, ['timeoutMs must not be less than 1000']],
  ['timeoutMs 30001', { timeoutMs: 30001 }, ['timeoutMs must not be greater than 30000']],
  ['timeoutMs a string', { timeoutMs: '5000' }, ['timeoutMs must be an integer']],
  [
    'rateLimitPerSecond 0',
    { rateLimitPerSecond: 0 },
    ['rateLimitPerSecond must not be less than 1'],
  ],
  [
    'rateLimitPerSecond 1001',
    { rateLimitPerSecond: 1001 },
    ['rateLimitPerSecond must not be greater than 1000'],
  ],
  [
    'rateLimitPerSecond 1.5',
    { rateLimitPerSecond: 1.5 },
    ['rateLimitPerSecond must be an integer'],
  ],
  [
    'rateLimitPerSecond a string',
    { rateLimitPerSecond: '5' },
    ['rateLimitPerSecond must be an integer'],
  ],
  ['isActive "yes"', { isActive: 'yes' }, ['isActive must be a boolean value']],
  ['isActive "true"', { isActive: 'true' }, ['isActive must be a boolean value']],
  ['isActive 1', { isActive: 1 }, ['isActive must be a boolean value']],
  ['unknown top-level field', { colour: 'blue' }, ['property colour should not exist']],
  ['tenantId in the body', { tenantId: randomUUID() }, ['property tenantId should not exist']],
  ['read-only field status', { status: 'active' }, ['property status should not exist']],
  ['read-only field id', { id: randomUUID() }, ['property id should not exist']],
  [
    'read-only field totalDeliveries',
    { totalDeliveries: 0 },
    ['property totalDeliveries should not exist'],
  ],
];

/** Field values at the edge of what is allowed, with what the API must echo back. */
const GOOD_FIELDS: Array<[label: string, body: Record<string, unknown>]> = [
  ['name 255 chars', { name: 'n'.repeat(255) }],
  ['name 1 char', { name: 'n' }],
  ['name of 255 astral characters', { name: '🪝'.repeat(255) }],
  ['url 2048 chars', { url: urlOf(2048) }],
  ['url http with port and query', { url: 'http://example.com:8080/hooks?a=1&b=2' }],
  ['events message.*', { events: ['message.*'] }],
  ['events *', { events: ['*'] }],
  ['events every catalog category', { events: ['message.*', 'conversation.*', 'contact.*'] }],
  ['description 1000 chars', { description: 'd'.repeat(1000) }],
  ['description null', { description: null }],
  ['secret 24 bytes', { secret: secretOf(24) }],
  ['secret 64 bytes', { secret: secretOf(64) }],
  ['headers 20 entries', { headers: manyHeaders(20) }],
  ['headers empty', { headers: {} }],
  ['headers look-alike names', { headers: { 'X-My-Webhook-Key': 'a', Authorization: 'Bearer x' } }],
  [
    'retryPolicy at its bounds',
    {
      retryPolicy: {
        maxAttempts: 10,
        backoff: 'fixed',
        initialDelayMs: 100,
        maxDelayMs: 86_400_000,
      },
    },
  ],
  ['retryPolicy maxAttempts 1', { retryPolicy: { maxAttempts: 1, backoff: 'linear' } }],
  ['retryPolicy equal delays', { retryPolicy: { initialDelayMs: 5000, maxDelayMs: 5000 } }],
  ['timeoutMs 1000', { timeoutMs: 1000 }],
  ['timeoutMs 30000', { timeoutMs: 30000 }],
  ['rateLimitPerSecond 1', { rateLimitPerSecond: 1 }],
  ['rateLimitPerSecond 1000', { rateLimitPerSecond: 1000 }],
  ['rateLimitPerSecond null', { rateLimitPerSecond: null }],
  ['isActive false', { isActive: false }],
];

/** What the response shows for a field that was sent (secrets are masked after create). */
function echoed(body: Record<string, unknown>, revealSecret: boolean): Record<string, unknown> {
  const expected: Record<string, unknown> = { ...body };
  if (typeof body.secret === 'string' && !revealSecret) {
    expected.secret = `whsec_…${body.secret.slice(-4)}`;
  }
  if (body.retryPolicy) expected.retryPolicy = expect.objectContaining(body.retryPolicy);
  return expected;
}

describe('Webhook validation (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function expectNoWebhooks(tenant: TenantClient): Promise<void> {
    const list = await tenant.get(BASE).expect(200);
    expect(list.body.meta.total).toBe(0);
  }

  describe('POST /webhooks', () => {
    const MISSING: BadCase[] = [
      ['name missing', { name: undefined }, ['name must be a string']],
      ['url missing', { url: undefined }, ['url must be a non-empty string']],
      ['events missing', { events: undefined }, ['events must be an array']],
      ['name null', { name: null }, ['name']],
      ['url null', { url: null }, ['url must be a non-empty string']],
      ['events null', { events: null }, ['events must be an array']],
    ];

    it.each([...MISSING, ...BAD_FIELDS])(
      '%s → 400 and nothing is written',
      async (_, override, parts) => {
        const tenant = t.as(randomUUID());
        const res = await tenant.post(BASE, webhookBody(override));
        expectBadRequest(res, ...parts);
        await expectNoWebhooks(tenant);
      },
    );

    it('reports every invalid field of one body together', async () => {
      const tenant = t.as(randomUUID());
      const res = await tenant.post(BASE, {
        name: '',
        url: 'ftp://example.com',
        events: [],
        timeoutMs: 1,
        extra: true,
      });
      expectBadRequest(
        res,
        'name should not be empty',
        'url must use http or https',
        'events must contain at least 1 elements',
        'timeoutMs must not be less than 1000',
        'property extra should not exist',
      );
      await expectNoWebhooks(tenant);
    });

    it('does not echo the credentials of a refused URL', async () => {
      const res = await t
        .as(randomUUID())
        .post(BASE, webhookBody({ url: 'https://user:hunter2@example.com/hooks' }));
      expectBadRequest(res, 'url must not contain credentials');
      expect(JSON.stringify(res.body)).not.toContain('hunter2');
    });

    it.each([
      ['an empty object', {}],
      ['an array of valid bodies', [webhookBody()]],
      ['an empty array', []],
    ])('refuses %s as the body', async (_, body) => {
      const tenant = t.as(randomUUID());
      const res = await tenant.post(BASE, body as object);
      expectErrorShape(res, 400);
      await expectNoWebhooks(tenant);
    });

    it.each(GOOD_FIELDS)('accepts %s', async (_, override) => {
      const tenant = t.as(randomUUID());
      const res = await tenant.post(BASE, webhookBody(override)).expect(201);
      expect(res.body).toMatchObject(echoed(webhookBody(override), true));
      const fetched = await tenant.get(`${BASE}/${res.body.id}`).expect(200);
      expect(fetched.body).toMatchObject(echoed(webhookBody(override), false));
    });
  });

  describe.each(['patch', 'put'] as const)('%s /webhooks/:id', (method) => {
    async function created(tenant: TenantClient): Promise<Record<string, unknown>> {
      const res = await tenant
        .post(
          BASE,
          webhookBody({
            description: 'original',
            headers: { 'X-Api-Key': 'abc' },
            rateLimitPerSecond: 5,
          }),
        )
        .expect(201);
      return (await tenant.get(`${BASE}/${res.body.id}`).expect(200)).body;
    }

    const NULLS: BadCase[] = [
      ['name null', { name: null }, ['name must not be null']],
      ['url null', { url: null }, ['url must not be null']],
      ['events null', { events: null }, ['events must not be null']],
      ['headers null', { headers: null }, ['headers must not be null']],
      ['retryPolicy null', { retryPolicy: null }, ['retryPolicy must not be null']],
      ['timeoutMs null', { timeoutMs: null }, ['timeoutMs must not be null']],
      ['isActive null', { isActive: null }, ['isActive must not be null']],
      ['secret null', { secret: null }, ['secret must not be null']],
    ];

    it.each([...NULLS, ...BAD_FIELDS])(
      '%s → 400 and the webhook is unchanged',
      async (_, body, parts) => {
        const tenant = t.as(randomUUID());
        const before = await created(tenant);
        const res = await tenant[method](`${BASE}/${before.id}`, body);
        expectBadRequest(res, ...parts);
        const after = await tenant.get(`${BASE}/${before.id}`).expect(200);
        expect(after.body).toEqual(before);
      },
    );

    it('refuses a retry policy whose merge with the stored one is inconsistent', async () => {
      const tenant = t.as(randomUUID());
      const before = await created(tenant);
      await tenant[method](`${BASE}/${before.id}`, { retryPolicy: { maxDelayMs: 30_000 } }).expect(
        200,
      );
      const current = (await tenant.get(`${BASE}/${before.id}`).expect(200)).body;
      const res = await tenant[method](`${BASE}/${before.id}`, {
        retryPolicy: { initialDelayMs: 40_000 },
        name: 'renamed',
      });
      expectBadRequest(res, 'retryPolicy.maxDelayMs must be at least retryPolicy.initialDelayMs');
      expect((await tenant.get(`${BASE}/${before.id}`).expect(200)).body).toEqual(current);
    });

    it('leaves the webhook unchanged for an empty body', async () => {
      const tenant = t.as(randomUUID());
      const before = await created(tenant);
      const res = await tenant[method](`${BASE}/${before.id}`, {}).expect(200);
      // updatedAt may move; every other field must stay as it was.
      const rest = { ...before };
      delete rest.updatedAt;
      expect(res.body).toMatchObject(rest);
      const after = await tenant.get(`${BASE}/${before.id}`).expect(200);
      expect(after.body).toMatchObject(rest);
    });

    it.each(GOOD_FIELDS)('accepts %s', async (_, body) => {
      const tenant = t.as(randomUUID());
      const before = await created(tenant);
      const res = await tenant[method](`${BASE}/${before.id}`, body).expect(200);
      expect(res.body).toMatchObject(echoed(body, false));
      const after = await tenant.get(`${BASE}/${before.id}`).expect(200);
      expect(after.body).toMatchObject(echoed(body, false));
    });
  });

  describe('request bodies', () => {
    const big = (bytes: number) => JSON.stringify(webhookBody({ description: 'x'.repeat(bytes) }));

    it('answers 413 with the JSON error shape for a body over 1 MiB, writing nothing', async () => {
      const tenantId = randomUUID();
      const res = await request(t.app.getHttpServer())
        .post(BASE)
        .set('Authorization', `Bearer ${t.token(tenantId)}`)
        .set('Content-Type', 'application/json')
        .send(big(1024 * 1024 + 1));
      expectErrorShape(res, 413);
      expect(res.body.error).toBe('Payload Too Large');
      expect(res.body.message).toBe('Request body is larger than 1 MiB');
      await expectNoWebhooks(t.as(tenantId));
    });

    it('answers 413 for an oversized PATCH, leaving the webhook unchanged', async () => {
      const tenantId = randomUUID();
      const tenant = t.as(tenantId);
      const { id } = (await tenant.post(BASE, webhookBody()).expect(201)).body;
      const before = (await tenant.get(`${BASE}/${id}`).expect(200)).body;
      const res = await request(t.app.getHttpServer())
        .patch(`${BASE}/${id}`)
        .set('Authorization', `Bearer ${t.token(tenantId)}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ name: 'renamed', description: 'x'.repeat(2 * 1024 * 1024) }));
      expectErrorShape(res, 413);
      expect((await tenant.get(`${BASE}/${id}`).expect(200)).body).toEqual(before);
    });

    it('parses a body just under 1 MiB (and validates it)', async () => {
      const tenantId = randomUUID();
      const body = big(1000 * 1000);
      expect(Buffer.byteLength(body)).toBeLessThan(1024 * 1024);
      const res = await request(t.app.getHttpServer())
        .post(BASE)
        .set('Authorization', `Bearer ${t.token(tenantId)}`)
        .set('Content-Type', 'application/json')
        .send(body);
      expectBadRequest(res, 'description must be shorter than or equal to 1000');
    });

    it.each([
      ['truncated JSON', '{"name": "CRM sync", "url": '],
      ['trailing comma', '{"name": "CRM sync",}'],
      ['single quotes', "{'name': 'CRM sync'}"],
      ['a bare string', '"CRM sync"'],
      ['null', 'null'],
    ])('answers 400 with the JSON error shape for malformed JSON: %s', async (_, raw) => {
      const tenantId = randomUUID();
      const res = await request(t.app.getHttpServer())
        .post(BASE)
        .set('Authorization', `Bearer ${t.token(tenantId)}`)
        .set('Content-Type', 'application/json')
        .send(raw);
      expectErrorShape(res, 400);
      await expectNoWebhooks(t.as(tenantId));
    });

    it('answers 400 for malformed JSON on PATCH too', async () => {
      const tenantId = randomUUID();
      const tenant = t.as(tenantId);
      const { id } = (await tenant.post(BASE, webhookBody()).expect(201)).body;
      const res = await request(t.app.getHttpServer())
        .patch(`${BASE}/${id}`)
        .set('Authorization', `Bearer ${t.token(tenantId)}`)
        .set('Content-Type', 'application/json')
        .send('{"name": ');
      expectErrorShape(res, 400);
      expect((await tenant.get(`${BASE}/${id}`).expect(200)).body.name).toBe('CRM sync');
    });
  });

  describe('path ids', () => {
    const routes: Array<[string, (tenant: TenantClient, id: string) => request.Test]> = [
      ['GET /:id', (tenant, id) => tenant.get(`${BASE}/${id}`)],
      ['PATCH /:id', (tenant, id) => tenant.patch(`${BASE}/${id}`, { name: 'x' })],
      ['PUT /:id', (tenant, id) => tenant.put(`${BASE}/${id}`, { name: 'x' })],
      ['DELETE /:id', (tenant, id) => tenant.delete(`${BASE}/${id}`)],
      ['GET /:id/secret', (tenant, id) => tenant.get(`${BASE}/${id}/secret`)],
      ['POST /:id/rotate-secret', (tenant, id) => tenant.post(`${BASE}/${id}/rotate-secret`, {})],
      [
        'POST /:id/regenerate-secret',
        (tenant, id) => tenant.post(`${BASE}/${id}/regenerate-secret`, {}),
      ],
    ];

    describe.each(routes)('%s', (_, call) => {
      it.each(['not-a-uuid', '123', `${randomUUID()}x`, 'null', "1'%20OR%20'1'='1"])(
        'answers 400 for the id %j',
        async (id) => {
          const res = await call(t.as(randomUUID()), id);
          expectBadRequest(res, 'uuid');
        },
      );

      it('answers 400, not 500, for an id with a broken percent-encoding', async () => {
        const res = await call(t.as(randomUUID()), '%E0%A4%A');
        expectErrorShape(res, 400);
      });

      it('answers 404 for an unknown but valid UUID', async () => {
        const res = await call(t.as(randomUUID()), randomUUID());
        expectErrorShape(res, 404);
        expect(res.body.message).toBe('Webhook not found');
      });
    });

    it('accepts an upper-case UUID for an existing webhook', async () => {
      const tenant = t.as(randomUUID());
      const { id } = (await tenant.post(BASE, webhookBody()).expect(201)).body;
      const res = await tenant.get(`${BASE}/${String(id).toUpperCase()}`);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(id);
    });
  });

  it('answers 404 with the JSON error shape for an unknown route', async () => {
    const res = await t.as(randomUUID()).get('/api/v1/nothing-here');
    expectErrorShape(res, 404);
  });
});
