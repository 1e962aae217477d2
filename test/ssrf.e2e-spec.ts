import { randomUUID } from 'node:crypto';
import type { WebhooksService as WebhooksServiceType } from '../src/modules/webhooks/webhooks.service';
import { createIsolatedTestApp, withIsolatedModules } from './helpers/isolated';
import { TestReceiver } from './helpers/receiver';
import { ScriptedResolver } from './helpers/scripted-resolver';
import type { TestApp } from './helpers/test-app';
import { webhookBody } from './helpers/test-app';
import { waitUntil } from './helpers/waiting';

const BASE = '/api/v1/webhooks';
const PUBLIC_IP = '93.184.216.34';

describe('SSRF guard (e2e)', () => {
  let t: TestApp;
  let webhooks: WebhooksServiceType;
  let receiver: TestReceiver;
  const dns = new ScriptedResolver();

  beforeAll(async () => {
    receiver = await TestReceiver.start();
    ({ t, webhooks } = await createIsolatedTestApp(
      { WEBHOOK_ALLOW_PRIVATE_URLS: 'false', WEBHOOK_ALLOWED_HOSTS: 'allowed.test,203.0.113.0/24' },
      async () => {
        // The resolver class of the fresh module copy, not of this file's imports.
        const { HostResolver } = await import('../src/modules/webhooks/url-guard/host-resolver');
        return [{ provide: HostResolver, useValue: dns }];
      },
    ));
    dns.answers.set('public.test', [PUBLIC_IP]);
    dns.answers.set('internal.test', ['127.0.0.1']);
    dns.answers.set('mixed.test', [PUBLIC_IP, '10.0.0.7']);
    dns.answers.set('metadata.test', ['169.254.169.254']);
    dns.answers.set('v6-loopback.test', ['::1']);
    dns.answers.set('allowed.test', ['127.0.0.1']);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const blockedUrls = [
    'http://127.0.0.1/hook',
    'http://127.1.2.3/hook',
    'http://2130706433/hook',
    'http://0x7f.0.0.1/hook',
    'http://10.0.0.1/hook',
    'http://172.16.0.1/hook',
    'http://192.168.1.1/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://100.64.0.1/hook',
    'http://224.0.0.1/hook',
    'http://0.0.0.0/hook',
    'http://240.0.0.1/hook',
    'http://255.255.255.255/hook',
    'http://[::1]/hook',
    'http://[::]/hook',
    'http://[fe80::1]/hook',
    'http://[fc00::1]/hook',
    'http://[ff02::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[::ffff:a9fe:a9fe]/hook',
    'http://internal.test/hook',
    'http://mixed.test/hook',
    'http://metadata.test/hook',
    'http://v6-loopback.test/hook',
  ];

  it.each(blockedUrls)('refuses %s at create and writes nothing', async (url) => {
    const tenant = t.as(randomUUID());
    const res = await tenant.post(BASE, webhookBody({ url })).expect(400);
    expect(res.body.message).toEqual([expect.stringMatching(/^url is not allowed: /)]);
    expect((await tenant.get(BASE).expect(200)).body.meta.total).toBe(0);
  });

  it('refuses a private target on update, keeping the old URL', async () => {
    const tenant = t.as(randomUUID());
    const { id } = (
      await tenant.post(BASE, webhookBody({ url: 'http://public.test/hook' })).expect(201)
    ).body;
    await tenant.patch(`${BASE}/${id}`, { url: 'http://internal.test/hook' }).expect(400);
    await tenant.put(`${BASE}/${id}`, { url: 'http://[::1]/hook' }).expect(400);
    expect((await tenant.get(`${BASE}/${id}`).expect(200)).body.url).toBe(
      'http://public.test/hook',
    );
  });

  it('accepts public addresses, allowed hosts, allowed CIDRs and names that do not resolve yet', async () => {
    const tenant = t.as(randomUUID());
    await tenant.post(BASE, webhookBody({ url: `http://${PUBLIC_IP}/hook` })).expect(201);
    await tenant.post(BASE, webhookBody({ url: 'http://public.test/hook' })).expect(201);
    await tenant.post(BASE, webhookBody({ url: 'http://allowed.test/hook' })).expect(201);
    await tenant.post(BASE, webhookBody({ url: 'http://203.0.113.9/hook' })).expect(201);
    await tenant.post(BASE, webhookBody({ url: 'http://nowhere.test/hook' })).expect(201);
  });

  it('delivers to an allowed host that resolves to loopback', async () => {
    const tenantId = randomUUID();
    const path = `/allowed-${randomUUID()}`;
    await t
      .as(tenantId)
      .post(BASE, webhookBody({ url: `http://allowed.test:${receiver.port}${path}` }))
      .expect(201);
    await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
    const [request] = await receiver.waitFor(1, path);
    expect(request.headers.host).toBe(`allowed.test:${receiver.port}`);
  });

  it('refuses at connect time a name that re-resolves to loopback after creation (DNS rebinding)', async () => {
    const tenantId = randomUUID();
    const path = `/rebind-${randomUUID()}`;
    dns.answers.set('rebind.test', [PUBLIC_IP]);
    const { id } = (
      await t
        .as(tenantId)
        .post(
          BASE,
          webhookBody({
            url: `http://rebind.test:${receiver.port}${path}`,
            retryPolicy: { maxAttempts: 1 },
          }),
        )
        .expect(201)
    ).body;
    dns.answers.set('rebind.test', ['127.0.0.1']);
    await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });

    const [log] = await waitUntil(
      async () => (await t.as(tenantId).get(`${BASE}/${id}/logs`).expect(200)).body.data,
      (logs: Array<{ status: string; errorMessage: string; responseStatus: number | null }>) =>
        logs[0]?.status === 'failed',
    );
    expect(log.errorMessage).toContain('rebind.test resolves to 127.0.0.1 is a loopback address');
    expect(log.responseStatus).toBeNull();
    expect(receiver.received(path)).toHaveLength(0);
  });

  it('refuses at connect time a literal private address that got into the database', async () => {
    const tenantId = randomUUID();
    const path = `/literal-${randomUUID()}`;
    const { id } = (
      await t
        .as(tenantId)
        .post(
          BASE,
          webhookBody({ url: 'http://public.test/hook', retryPolicy: { maxAttempts: 1 } }),
        )
        .expect(201)
    ).body;
    await t.dataSource.query(`UPDATE webhooks SET url = $2 WHERE id = $1`, [
      id,
      receiver.url(path),
    ]);
    await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
    const [log] = await waitUntil(
      async () => (await t.as(tenantId).get(`${BASE}/${id}/logs`).expect(200)).body.data,
      (logs: Array<{ status: string; errorMessage: string; responseStatus: number | null }>) =>
        logs[0]?.status === 'failed',
    );
    expect(log.errorMessage).toMatch(/loopback/);
    expect(receiver.received(path)).toHaveLength(0);
  });
});

describe('WEBHOOK_REQUIRE_HTTPS (e2e)', () => {
  it('refuses http:// targets and accepts https://', async () => {
    const t = await withIsolatedModules({ WEBHOOK_REQUIRE_HTTPS: 'true' }, async () => {
      const { createTestApp } = await import('./helpers/test-app');
      return createTestApp();
    });
    try {
      const tenant = t.as(randomUUID());
      const res = await tenant
        .post(BASE, webhookBody({ url: 'http://example.com/hook' }))
        .expect(400);
      expect(res.body.message).toEqual(['url must use https']);
      await tenant.post(BASE, webhookBody({ url: 'https://example.com/hook' })).expect(201);
    } finally {
      await t.close();
    }
  });
});
