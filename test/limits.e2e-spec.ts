import { randomUUID } from 'node:crypto';
import { createIsolatedTestApp } from './helpers/isolated';
import { TestApp, webhookBody } from './helpers/test-app';

const BASE = '/api/v1/webhooks';
const LIMIT = 3;

describe('Webhooks per tenant (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    ({ t } = await createIsolatedTestApp({ WEBHOOK_MAX_PER_TENANT: String(LIMIT) }));
  });
  afterAll(() => t.close());

  const webhookRows = async (tenantId: string): Promise<number> =>
    (
      await t.dataSource.query(`SELECT count(*)::int AS n FROM webhooks WHERE tenant_id = $1`, [
        tenantId,
      ])
    )[0].n;

  it('answers 409 naming the limit once a tenant has WEBHOOK_MAX_PER_TENANT webhooks', async () => {
    const tenantId = randomUUID();
    const tenant = t.as(tenantId);
    // A disabled webhook counts like any other.
    await tenant.post(BASE, webhookBody({ isActive: false })).expect(201);
    for (let i = 1; i < LIMIT; i++) await tenant.post(BASE, webhookBody()).expect(201);

    const res = await tenant.post(BASE, webhookBody({ name: 'one too many' }));
    expect({ status: res.status, body: res.body }).toEqual({
      status: 409,
      body: {
        statusCode: 409,
        error: 'Conflict',
        message: `A tenant can have at most ${LIMIT} webhooks, disabled ones included; delete one to add another`,
      },
    });
    expect(await webhookRows(tenantId)).toBe(LIMIT);

    // Other tenants have limits of their own.
    await t.as(randomUUID()).post(BASE, webhookBody()).expect(201);

    // Deleting one makes room for one.
    const page = await tenant.get(BASE).expect(200);
    await tenant.delete(`${BASE}/${page.body.data[0].id}`).expect(204);
    await tenant.post(BASE, webhookBody()).expect(201);
    await tenant.post(BASE, webhookBody()).expect(409);
    expect(await webhookRows(tenantId)).toBe(LIMIT);
  });

  it('lets exactly one of several concurrent creates take the last place', async () => {
    const tenantId = randomUUID();
    const tenant = t.as(tenantId);
    for (let i = 1; i < LIMIT; i++) await tenant.post(BASE, webhookBody()).expect(201);

    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => tenant.post(BASE, webhookBody({ name: `racer ${i}` }))),
    );

    expect(results.map((res) => res.status).sort()).toEqual([201, ...Array(7).fill(409)]);
    expect(await webhookRows(tenantId)).toBe(LIMIT);
  });

  it('still lets a tenant at the limit update its webhooks', async () => {
    const tenantId = randomUUID();
    const tenant = t.as(tenantId);
    const ids: string[] = [];
    for (let i = 0; i < LIMIT; i++) {
      ids.push((await tenant.post(BASE, webhookBody()).expect(201)).body.id);
    }
    const res = await tenant.patch(`${BASE}/${ids[0]}`, { name: 'renamed' }).expect(200);
    expect(res.body.name).toBe('renamed');
  });
});

describe('Custom headers in all (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    ({ t } = await createIsolatedTestApp({}));
  });
  afterAll(() => t.close());

  /** `count` headers whose names and values take `bytes` bytes in all. */
  const headersOf = (count: number, bytes: number) =>
    Object.fromEntries(
      Array.from({ length: count }, (_, i) => {
        const name = `X-Custom-${String(i).padStart(2, '0')}`;
        return [name, 'v'.repeat(bytes / count - name.length)];
      }),
    );

  it('refuses more than 8 KiB of header names and values, on create and on update', async () => {
    const tenant = t.as(randomUUID());
    const tooMany = headersOf(8, 8192 + 8);
    const res = await tenant.post(BASE, webhookBody({ headers: tooMany })).expect(400);
    expect(res.body.message).toEqual([
      'headers take 8200 bytes of names and values; the limit is 8192',
    ]);
    const page = await tenant.get(BASE).expect(200);
    expect(page.body.meta.total).toBe(0);

    const created = await tenant
      .post(BASE, webhookBody({ headers: headersOf(8, 8192) }))
      .expect(201);
    await tenant.patch(`${BASE}/${created.body.id}`, { headers: tooMany }).expect(400);
    const stored = await tenant.get(`${BASE}/${created.body.id}`).expect(200);
    expect(stored.body.headers).toEqual(headersOf(8, 8192));
  });
});
