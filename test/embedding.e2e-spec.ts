import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Client } from 'pg';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import request from 'supertest';
import {
  EMBEDDING_HOST_DIR,
  installPackedModule,
  PackedModule,
  RunningHost,
  runEmbeddingHostToExit,
  startEmbeddingHost,
} from './helpers/embedding-host';
import { stopWithin } from './helpers/processes';
import { TestReceiver } from './helpers/receiver';
import { BASE_DATABASE_URL, BASE_REDIS_URL, withDatabase } from './setup/test-env';
import { deleteRedisKeys } from './helpers/redis-keys';

const ORG_42 = { 'x-org-key': 'key-org-42' };
const ORG_7 = { 'x-org-key': 'key-org-7' };
const WEBHOOKS = '/billing/v2/webhooks';
const PAGE_DIR = 'dist/modules/webhooks/portal/page/';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * The packed tarball in a host of its own (test/embedding-host): installed like any package,
 * its peers the host's, on its own database with TypeORM's default naming, its own auth
 * (an x-org-key header, tenants like org_42), global prefix and route prefix, and an event
 * type it declares with forFeature and triggers inside its own transactions.
 */
describe('the packed module embedded in a host app (e2e)', () => {
  const database = `embedding_host_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = withDatabase(BASE_DATABASE_URL, database);
  const queuePrefix = `embedding-host-${randomBytes(4).toString('hex')}`;
  const hostEnv = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: BASE_REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    WEBHOOK_KEY: randomBytes(32).toString('base64'),
  };
  let pack: PackedModule;
  let host: RunningHost;
  let db: Client;
  let receiver: TestReceiver;

  async function admin<T>(body: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: withDatabase(BASE_DATABASE_URL, 'postgres') });
    await client.connect();
    try {
      return await body(client);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    pack = await installPackedModule();
    await admin((client) => client.query(`CREATE DATABASE "${database}"`));
    receiver = await TestReceiver.start();
    host = await startEmbeddingHost(hostEnv);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  }, 180000);

  afterAll(async () => {
    await db?.end();
    if (host) await stopWithin(host.child, 45000);
    await receiver?.close();
    await admin((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
    await deleteRedisKeys(BASE_REDIS_URL, `${queuePrefix}:*`);
    if (pack) rmSync(pack.packDir, { recursive: true, force: true });
  }, 60000);

  const api = () => request(`http://127.0.0.1:${host.port}`);

  it('ships only the compiled module, which needs nothing of the repository outside it', () => {
    const files = filesUnder(pack.installedDir).map((path) => relative(pack.installedDir, path));
    const modules = files.filter((path) => path.startsWith('dist/'));
    expect(files.filter((path) => !path.startsWith('dist/')).sort()).toEqual([
      'README.md',
      'package.json',
    ]);
    expect(modules).toContain('dist/modules/webhooks/index.js');
    expect(modules).toContain('dist/modules/webhooks/index.d.ts');
    // The portal page is built files of its own: served, never required.
    const page = modules.filter((path) => path.startsWith(PAGE_DIR));
    expect(page).toContain(`${PAGE_DIR}index.html`);
    const strays = modules.filter(
      (path) =>
        !path.startsWith(PAGE_DIR) &&
        (!/^dist\/modules\/webhooks\/.+\.(js|d\.ts)$/.test(path) || /\.spec\.|\.map$/.test(path)),
    );
    expect(strays).toEqual([]);

    // Every relative require stays inside the package and names a file it ships.
    const moduleDir = join(pack.installedDir, 'dist', 'modules', 'webhooks');
    const escaping: string[] = [];
    for (const file of modules.filter((path) => path.endsWith('.js') && !page.includes(path))) {
      const source = readFileSync(join(pack.installedDir, file), 'utf8');
      for (const [, target] of source.matchAll(/require\("(\.[^"]*)"\)/g)) {
        const resolved = resolve(dirname(join(pack.installedDir, file)), target);
        const inside = !relative(moduleDir, resolved).startsWith('..');
        // A file, or a folder's index.js.
        const shipped = [`${resolved}.js`, join(resolved, 'index.js')].some((path) =>
          files.includes(relative(pack.installedDir, path)),
        );
        if (!inside || !shipped) {
          escaping.push(`${file} -> ${target}`);
        }
      }
    }
    expect(escaping).toEqual([]);
  });

  it("resolves its peers to the host's copies and installs none of its own", () => {
    const hostModules = join(EMBEDDING_HOST_DIR, 'node_modules');
    const own = ['@nestjs/common', '@nestjs/core', '@nestjs/typeorm', 'typeorm', 'bullmq'].filter(
      (peer) => {
        try {
          return statSync(join(hostModules, peer)).isDirectory();
        } catch {
          return false;
        }
      },
    );
    expect(own).toEqual([]);
    const resolvedFrom = require.resolve('@nestjs/typeorm', { paths: [pack.installedDir] });
    expect(resolvedFrom).toBe(require.resolve('@nestjs/typeorm'));
  });

  it("answers the module's routes under the host's prefixes, with the host's auth only", async () => {
    await api().post(WEBHOOKS).send({}).expect(401);
    await api().post(WEBHOOKS).set({ 'x-org-key': 'unknown' }).send({}).expect(401);
    await api().get('/billing/api/v1/webhooks').set(ORG_42).expect(404);

    // The host's forFeature declaration, and none of the example app's types.
    const catalog = await api().get(`${WEBHOOKS}/events`).set(ORG_42).expect(200);
    const types = (catalog.body.events as Array<{ type: string }>).map((entry) => entry.type);
    expect(catalog.body.events).toContainEqual({
      type: 'invoice.paid',
      category: 'invoice',
      description: 'An invoice was paid',
      samplePayload: { invoice: { id: 'inv_1', number: 'INV-1', amount: 1200 } },
    });
    expect(types).not.toContain('message.sent');
  });

  it('validates input without a global pipe of the host and writes nothing', async () => {
    const response = await api()
      .post(WEBHOOKS)
      .set(ORG_7)
      .send({ name: 'CRM', url: 'not a url', events: ['invoice.paid'] })
      .expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    const { rows } = await db.query(`SELECT id FROM webhooks WHERE tenant_id = 'org_7'`);
    expect(rows).toEqual([]);
  });

  it('delivers what a committed transaction triggered, signed; nothing of one rolled back', async () => {
    const created = await api()
      .post(WEBHOOKS)
      .set(ORG_42)
      .send({ name: 'Accounting', url: receiver.url('/invoices'), events: ['invoice.*'] })
      .expect(201);
    const { id: webhookId, secret } = created.body as { id: string; secret: string };
    await api().get(`${WEBHOOKS}/${webhookId}`).set(ORG_7).expect(404);

    const paid = await api()
      .post('/billing/invoices/pay')
      .set(ORG_42)
      .send({ number: 'INV-1', amount: 1200 })
      .expect(201);
    const [delivery] = await receiver.waitFor(1, '/invoices');
    const envelope = new StandardWebhook(secret).verify(delivery.body, {
      'webhook-id': delivery.headers['webhook-id'] as string,
      'webhook-timestamp': delivery.headers['webhook-timestamp'] as string,
      'webhook-signature': delivery.headers['webhook-signature'] as string,
    });
    expect(envelope).toMatchObject({
      id: paid.body.eventId,
      type: 'invoice.paid',
      data: { invoice: { id: paid.body.invoiceId, number: 'INV-1', amount: 1200 } },
    });

    await api()
      .post('/billing/invoices/pay-declined')
      .set(ORG_42)
      .send({ number: 'INV-2', amount: 500 })
      .expect(422);
    // The host's table, named its way, and the module's log both lost the rolled-back write.
    const invoices = await db.query(`SELECT "number" FROM invoices WHERE "tenantId" = 'org_42'`);
    expect(invoices.rows).toEqual([{ number: 'INV-1' }]);
    const logs = await db.query(`SELECT event_id FROM webhook_logs WHERE webhook_id = $1`, [
      webhookId,
    ]);
    expect(logs.rows).toEqual([{ event_id: paid.body.eventId }]);
    expect(receiver.received('/invoices')).toHaveLength(1);
  });

  it('serves the tenant portal under its global prefix, linked by a session of the module', async () => {
    const session = await api()
      .post(`${WEBHOOKS}/portal/sessions`)
      .set(ORG_42)
      .send({})
      .expect(201);
    const link = new URL(session.body.url);
    expect(link.pathname).toBe('/billing/portal');
    expect(link.hash).toBe(`#token=${session.body.token}`);

    const page = await api().get(link.pathname).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    // The page calls the module's routes where the host mounted them.
    expect(page.text).toContain('<meta name="webhooks-api" content="/billing/v2"');
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]*assets\/[^"]+)"/g)].map(
      ([, asset]) => new URL(asset, link).pathname,
    );
    expect(assets).toHaveLength(2);
    for (const asset of assets) await api().get(asset).expect(200);

    // The token opens the tenant's own routes, past the host's own auth.
    const list = await api()
      .get(WEBHOOKS)
      .set('Authorization', `Bearer ${session.body.token}`)
      .expect(200);
    expect(list.body.data.map((webhook: { name: string }) => webhook.name)).toContain('Accounting');
  });

  it('stops a host whose options are invalid, naming the option', async () => {
    const { code, output } = await runEmbeddingHostToExit({ ...hostEnv, WEBHOOK_KEY: 'x' });
    expect(code).toBe(1);
    expect(output).toMatch(
      /Invalid WebhooksModule options:\s+- secretEncryptionKey: must be 32 bytes/,
    );
  });
});
