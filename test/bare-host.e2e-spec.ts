import { INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { parseEnv } from '../src/config/env';
import { webhooksMigrations, WebhooksModule, WebhooksModuleOptions } from '../src/modules/webhooks';

// The key the other specs' apps use: every spec shares this run's database.
const KEY = parseEnv(process.env).WEBHOOK_SECRET_ENCRYPTION_KEY;
/** Tenants of this spec only (the run's database is shared by every spec). */
const org = (name: string) => `${name}_${RUN}`;
const RUN = randomUUID().slice(0, 8);

/** A host's own auth: an organisation header, and a staff flag for the queue admin routes. */
type HostRequest = { headers: Record<string, string | undefined> };
const options: WebhooksModuleOptions = {
  redis: { url: process.env.REDIS_URL! },
  queuePrefix: `${process.env.QUEUE_PREFIX}-bare-host`,
  secretEncryptionKey: KEY,
  tenant: (request: HostRequest) => request.headers['x-org'],
  isAdmin: (request: HostRequest) => request.headers['x-staff'] === 'yes',
  routePrefix: 'hooks',
  worker: { enabled: false },
};

const database = () =>
  // The host's DataSource: TypeORM's default naming, the module's entities, nothing else of ours.
  TypeOrmModule.forRoot({
    type: 'postgres',
    url: process.env.DATABASE_URL,
    entities: [...WebhooksModule.entities],
    migrations: [...webhooksMigrations],
    migrationsRun: true,
  });

/**
 * The module in a host that gives it nothing but its options: no global pipe, filter or
 * prefix rules of ours, no ConfigModule, no BullModule, no JWT, its own global prefix. What
 * the module's routes check and answer must come from the module itself.
 */
describe('WebhooksModule in a bare host (e2e)', () => {
  let app: INestApplication;
  let db: DataSource;
  const BASE = '/host/hooks/webhooks';
  const as = (tenant: string) => ({
    post: (path: string, body: unknown) =>
      request(app.getHttpServer())
        .post(path)
        .set('x-org', tenant)
        .send(body as object),
    get: (path: string) => request(app.getHttpServer()).get(path).set('x-org', tenant),
  });
  const body = { name: 'Billing', url: 'https://example.com/hooks', events: ['*'] };

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [database(), WebhooksModule.forRoot(options)],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.setGlobalPrefix('host');
    await app.init();
    db = app.get(DataSource);
  });
  afterAll(async () => {
    await db?.query('DELETE FROM webhooks WHERE tenant_id LIKE $1', [`%_${RUN}`]);
    await app?.close();
  });

  it("mounts under the host's global prefix and routePrefix, and nowhere else", async () => {
    await as(org('org_42')).get(BASE).expect(200);
    await as(org('org_42')).get('/api/v1/webhooks').expect(404);
    await as(org('org_42')).get('/host/api/v1/webhooks').expect(404);
  });

  it("answers 401 in the module's error shape when the host names no tenant", async () => {
    const res = await request(app.getHttpServer()).get(BASE).expect(401);
    expect(res.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'No tenant for this request',
    });
  });

  it("stores the host's tenant id as it is and keeps it apart from another", async () => {
    const created = await as(org('org_42')).post(BASE, body).expect(201);
    const [row] = await db.query('SELECT tenant_id FROM webhooks WHERE id = $1', [created.body.id]);
    expect(row.tenant_id).toBe(org('org_42'));
    await as(org('org_43')).get(`${BASE}/${created.body.id}`).expect(404);
    const others = await as(org('org_43')).get(BASE).expect(200);
    expect(others.body.data).toEqual([]);
    const own = await as(org('org_42')).get(BASE).expect(200);
    expect(own.body.data.map((w: { id: string }) => w.id)).toContain(created.body.id);
  });

  describe('validates its input without a global pipe', () => {
    const count = async (tenant: string) =>
      Number(
        (await db.query('SELECT count(*) AS n FROM webhooks WHERE tenant_id = $1', [tenant]))[0].n,
      );

    it.each([
      ['an unknown property', { ...body, colour: 'red' }, 'property colour should not exist'],
      ['a missing url', { name: 'x', events: ['*'] }, 'url must be a non-empty string'],
      ['a NUL character', { ...body, name: 'a\u0000b' }, 'name must not contain NUL'],
    ])('refuses %s with a 400 naming it, and writes nothing', async (_, bad, message) => {
      const tenant = org(`org_${Math.random().toString(36).slice(2)}`);
      const res = await as(tenant).post(BASE, bad).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
      expect(await count(tenant)).toBe(0);
    });

    it('refuses a body nested deeper than 64 levels before validating it', async () => {
      let deep: unknown = 'leaf';
      for (let level = 0; level < 1000; level++) deep = { deep };
      const res = await as(org('org_deep'))
        .post(BASE, { ...body, headers: deep })
        .expect(400);
      expect(res.body.message).toBe('Request body is nested more than 64 levels deep');
      expect(await count(org('org_deep'))).toBe(0);
    });
  });

  it('opens the queue admin routes to whom isAdmin says, 403 to a tenant', async () => {
    await as(org('org_42')).get(`${BASE}/queue/stats`).expect(403);
    await request(app.getHttpServer()).get(`${BASE}/queue/stats`).expect(401);
    const res = await as(org('org_42'))
      .get(`${BASE}/queue/stats`)
      .set('x-staff', 'yes')
      .expect(200);
    expect(res.body).toMatchObject({ waiting: expect.any(Number), failed: expect.any(Number) });
  });
});

describe('WebhooksModule options at boot (e2e)', () => {
  const boot = async (module: ReturnType<typeof WebhooksModule.forRoot>) => {
    @Module({ imports: [database(), module] })
    class HostModule {}
    const moduleRef = await Test.createTestingModule({ imports: [HostModule] }).compile();
    await moduleRef.close();
  };

  it('stops boot with a message naming the bad option, from forRoot', async () => {
    await expect(
      boot(WebhooksModule.forRoot({ ...options, secretEncryptionKey: 'x' })),
    ).rejects.toThrow(
      /Invalid WebhooksModule options:\n {2}- secretEncryptionKey: must be 32 bytes/,
    );
  });

  it('and from the factory of forRootAsync', async () => {
    const bad = WebhooksModule.forRootAsync({
      useFactory: async () => ({ ...options, worker: { concurrency: 0 } }),
    });
    await expect(boot(bad)).rejects.toThrow(
      /worker\.concurrency: must be an integer from 1 to 1000/,
    );
  });
});
