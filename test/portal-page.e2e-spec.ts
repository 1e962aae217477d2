import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { get, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { parseEnv } from '../src/config/env';
import { webhooksMigrations, WebhooksModule } from '../src/modules/webhooks';
import { PORTAL_PAGE_DIR } from '../src/modules/webhooks/portal/portal-page';
import { BUILT_PORTAL_PAGE_DIR } from '../src/modules/webhooks/portal/portal-page.files';
import { createTestApp, TestApp } from './helpers/test-app';

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

/** The script and stylesheet URLs the page loads. */
function assetUrls(html: string): { scripts: string[]; styles: string[] } {
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]);
  const styles = [...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map(
    (m) => m[1],
  );
  return { scripts, styles };
}

/** A GET whose path goes out exactly as given. */
async function rawGet(server: Server, path: string): Promise<{ status: number; body: string }> {
  const listening = server.listening ? server : server.listen(0, '127.0.0.1');
  if (!server.listening) await once(listening, 'listening');
  const { port } = listening.address() as AddressInfo;
  try {
    return await new Promise((resolve, reject) => {
      get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }).on('error', reject);
    });
  } finally {
    await new Promise((resolve) => listening.close(resolve));
  }
}

function expectPortalHeaders(headers: Record<string, string>, csp = CSP): void {
  expect(headers['content-security-policy']).toBe(csp);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
}

describe('Portal page serving (e2e)', () => {
  beforeAll(() => {
    // `npm test` builds it first (pretest); a spec run on its own needs `npm run build:portal`.
    expect(existsSync(join(BUILT_PORTAL_PAGE_DIR, 'index.html'))).toBe(true);
  });

  describe('at the default /portal of the example app', () => {
    let t: TestApp;
    const http = () => request(t.app.getHttpServer());

    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('serves index.html with the strict headers and the API prefix in its meta tag', async () => {
      const res = await http().get('/portal').expect(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expectPortalHeaders(res.headers);
      expect(res.text).toContain('<meta name="webhooks-api" content="/api/v1">');
    });

    it('has no inline script or style, only files of its own assets', async () => {
      const { text } = await http().get('/portal').expect(200);
      const { scripts, styles } = assetUrls(text);
      expect(scripts.length).toBeGreaterThan(0);
      expect(styles.length).toBeGreaterThan(0);
      for (const url of [...scripts, ...styles]) expect(url).toMatch(/^\/portal\/assets\/[^/]+$/);
      expect(text.match(/<script\b/g)).toHaveLength(scripts.length);
      expect(text).not.toMatch(/<style\b/);
      expect(text).not.toMatch(/\sstyle=/);
      expect(text).not.toMatch(/\son[a-z]+=/);
    });

    it('embeds no token or secret, even once a session exists', async () => {
      const tenant = randomUUID();
      const session = await t.as(tenant).post('/api/v1/webhooks/portal/sessions', {}).expect(201);
      const { text } = await http().get('/portal').expect(200);
      expect(text).not.toContain(session.body.token);
      expect(text).not.toContain(tenant);
      expect(text).not.toMatch(/token|secret|whsec_|eyJ/i);
    });

    it('serves the hashed assets with their types, cached for good', async () => {
      const { text } = await http().get('/portal').expect(200);
      const { scripts, styles } = assetUrls(text);
      const types: [string, RegExp][] = [
        ...scripts.map((url): [string, RegExp] => [url, /^text\/javascript; charset=utf-8$/]),
        ...styles.map((url): [string, RegExp] => [url, /^text\/css; charset=utf-8$/]),
      ];
      for (const [url, type] of types) {
        const res = await http().get(url).expect(200);
        expect(res.headers['content-type']).toMatch(type);
        expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expectPortalHeaders(res.headers);
        expect(Number(res.headers['content-length'])).toBeGreaterThan(100);
      }
    });

    it.each([
      ['an unknown asset', '/portal/assets/nope.js'],
      ['index.html as an asset', '/portal/assets/index.html'],
      ['an encoded way out of the folder', '/portal/assets/..%2F..%2Fportal-page.controller.ts'],
      ['a doubly encoded one', '/portal/assets/%252e%252e%252fpackage.json'],
      ['an encoded dot-dot', '/portal/assets/%2e%2e'],
      ['a path below assets', '/portal/assets/a/b.js'],
      ['a file beside the page', '/portal/index.html'],
    ])('answers 404 to %s, with the same headers', async (_name, path) => {
      const res = await http().get(path).expect(404);
      expectPortalHeaders(res.headers);
      expect(res.text).not.toContain('import');
    });

    it('answers 404 to a literal ../ that leaves the folder', async () => {
      // Sent as written: supertest's URL parsing would resolve the dots first.
      for (const path of ['/portal/assets/../../../package.json', '/portal/assets/..\\x.js']) {
        const res = await rawGet(t.app.getHttpServer(), path);
        expect(res.status).toBe(404);
        expect(res.body).not.toContain('"name"');
      }
    });

    it('keeps the page out of the API prefix and the API docs', async () => {
      await http().get('/api/v1/portal').expect(404);
      const doc = await http().get('/api/docs-json').expect(200);
      expect(Object.keys(doc.body.paths).filter((path) => path.startsWith('/portal'))).toEqual([]);
    });
  });

  describe('when the page was not built', () => {
    let t: TestApp;
    let empty: string;

    beforeAll(async () => {
      empty = mkdtempSync(join(tmpdir(), 'portal-unbuilt-'));
      t = await createTestApp([{ provide: PORTAL_PAGE_DIR, useValue: empty }]);
    });
    afterAll(async () => {
      await t.close();
      rmSync(empty, { recursive: true, force: true });
    });

    it('boots, answers 503 saying how to build it, and serves the API as usual', async () => {
      const res = await request(t.app.getHttpServer()).get('/portal').expect(503);
      expectPortalHeaders(res.headers);
      expect(res.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.stringContaining('npm run build:portal'),
      });
      await request(t.app.getHttpServer()).get('/portal/assets/index.js').expect(404);
      await t.as(randomUUID()).get('/api/v1/webhooks').expect(200);
    });
  });

  describe('in a host with its own portalPath, routePrefix, frame ancestors and global prefix', () => {
    let app: INestApplication;

    beforeAll(async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [
          TypeOrmModule.forRoot({
            type: 'postgres',
            url: process.env.DATABASE_URL,
            entities: [...WebhooksModule.entities],
            migrations: [...webhooksMigrations],
            migrationsRun: true,
          }),
          WebhooksModule.forRoot({
            redis: { url: process.env.REDIS_URL! },
            queuePrefix: `${process.env.QUEUE_PREFIX}-portal-page`,
            secretEncryptionKey: parseEnv(process.env).WEBHOOK_SECRET_ENCRYPTION_KEY,
            tenant: () => 'org_portal_page',
            routePrefix: 'hooks',
            portalPath: '/tenants/webhooks/',
            portalFrameAncestors: ['https://app.example.com', 'https://*.example.org'],
            worker: { enabled: false },
          }),
        ],
      }).compile();
      app = moduleRef.createNestApplication({ logger: false });
      app.setGlobalPrefix('host');
      await app.init();
    });
    afterAll(() => app?.close());

    it('serves the page at its own path, pointing at its own API and assets', async () => {
      const res = await request(app.getHttpServer()).get('/host/tenants/webhooks').expect(200);
      expectPortalHeaders(
        res.headers,
        CSP.replace(
          "frame-ancestors 'self'",
          "frame-ancestors 'self' https://app.example.com https://*.example.org",
        ),
      );
      expect(res.text).toContain('<meta name="webhooks-api" content="/host/hooks">');
      const { scripts, styles } = assetUrls(res.text);
      for (const url of [...scripts, ...styles]) {
        expect(url).toMatch(/^\/host\/tenants\/webhooks\/assets\/[^/]+$/);
        await request(app.getHttpServer()).get(url).expect(200);
      }
    });

    it('is not at the default path', async () => {
      await request(app.getHttpServer()).get('/host/portal').expect(404);
      await request(app.getHttpServer()).get('/portal').expect(404);
    });
  });
});
