import { JwtService } from '@nestjs/jwt';
import { existsSync, mkdirSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import request from 'supertest';
import { createTestApp, TestApp } from './helpers/test-app';
import { randomUUID } from 'node:crypto';
import { CHROMIUM, CHROMIUM_ARGS } from '../scripts/chromium';

const SCREENSHOT = resolve(__dirname, '..', 'test-output', 'bull-board.png');
const QUEUE_NAME = 'webhook-delivery';
const HTML = 'text/html,application/xhtml+xml';

describe('Bull Board at /admin/queues (e2e)', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let jwt: JwtService;
  const adminToken = () =>
    jwt.sign({ sub: 'ops', tenantId: randomUUID(), roles: ['admin'] }, { expiresIn: 600 });
  const userToken = () => jwt.sign({ sub: 'user', tenantId: randomUUID(), roles: [] });
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    jwt = t.app.get(JwtService);
  });
  afterAll(() => t.close());

  describe('auth', () => {
    it('sends a browser without a token to the login page', async () => {
      const res = await http().get('/admin/queues').set('Accept', HTML).expect(303);
      expect(res.headers.location).toBe('/admin/login');
    });

    it('answers 401 to other clients without a token', async () => {
      const res = await http().get('/admin/queues/api/queues').expect(401);
      expect(res.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: expect.any(String),
      });
    });

    it('answers 401 to a bad or expired bearer token, even with a valid cookie', async () => {
      const expired = jwt.sign(
        { sub: 'ops', tenantId: randomUUID(), roles: ['admin'] },
        { expiresIn: -10 },
      );
      for (const token of ['garbage', expired]) {
        await http()
          .get('/admin/queues/api/queues')
          .set('Authorization', `Bearer ${token}`)
          .set('Cookie', `webhooks_admin=${adminToken()}`)
          .expect(401);
      }
    });

    it('accepts an admin bearer token', async () => {
      const res = await http()
        .get('/admin/queues/api/queues')
        .set('Authorization', `Bearer ${adminToken()}`)
        .expect(200);
      expect(res.body.queues.map((queue: { name: string }) => queue.name)).toContain(QUEUE_NAME);
    });

    it('refuses a valid token without the admin role with 403', async () => {
      const auth = `Bearer ${userToken()}`;
      await http().get('/admin/queues/api/queues').set('Authorization', auth).expect(403);
      const page = await http().get('/admin/queues').set('Authorization', auth).set('Accept', HTML);
      expect(page.status).toBe(403);
      expect(page.text).toContain('does not have the admin role');
    });

    it('logs an admin in with an HttpOnly, SameSite=Strict cookie that expires with the token', async () => {
      const token = adminToken();
      const res = await http().post('/admin/login').type('form').send({ token }).expect(303);
      expect(res.headers.location).toBe('/admin/queues');
      const [cookie] = res.headers['set-cookie'] as unknown as string[];
      const attributes = cookie.split('; ');
      expect(attributes[0]).toBe(`webhooks_admin=${token}`);
      expect(attributes).toEqual(
        expect.arrayContaining(['Path=/admin', 'HttpOnly', 'SameSite=Strict']),
      );
      const maxAge = Number(attributes.find((a) => a.startsWith('Max-Age='))?.slice(8));
      expect(maxAge).toBeGreaterThan(590);
      expect(maxAge).toBeLessThanOrEqual(600);

      const cookieHeader = `webhooks_admin=${token}`;
      await http().get('/admin/queues/api/queues').set('Cookie', cookieHeader).expect(200);
      // The cookie is for the board only: the API still wants the header.
      await http().get('/api/v1/webhooks/queue/stats').set('Cookie', cookieHeader).expect(401);
    });

    it('refuses invalid and non-admin tokens at login, without a cookie', async () => {
      const bad = await http().post('/admin/login').type('form').send({ token: 'nope' });
      expect(bad.status).toBe(401);
      expect(bad.headers['content-type']).toMatch(/^text\/html/);
      expect(bad.headers['set-cookie']).toBeUndefined();
      const empty = await http().post('/admin/login').type('form').send({});
      expect(empty.status).toBe(401);
      const user = await http().post('/admin/login').type('form').send({ token: userToken() });
      expect(user.status).toBe(403);
      expect(user.headers['set-cookie']).toBeUndefined();
    });

    it('clears a cookie that no longer verifies', async () => {
      const res = await http()
        .get('/admin/queues')
        .set('Accept', HTML)
        .set('Cookie', 'webhooks_admin=stale.token.value')
        .expect(303);
      expect(res.headers.location).toBe('/admin/login');
      expect(res.headers['set-cookie']?.[0]).toMatch(/^webhooks_admin=; .*Max-Age=0/);
    });

    it('refuses a queue action with the cookie from another origin', async () => {
      const cookie = `webhooks_admin=${adminToken()}`;
      const res = await http()
        .put(`/admin/queues/api/queues/${QUEUE_NAME}/pause`)
        .set('Cookie', cookie)
        .set('Origin', 'http://evil.example')
        .expect(403);
      expect(res.body.message).toBe('Cross-origin request refused');
    });
  });

  describe('in a real browser', () => {
    let browser: Browser;
    let baseUrl: string;

    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) {
        throw new Error(`${CHROMIUM} is missing: run scripts/install-chromium.sh`);
      }
      await t.app.listen(0, '127.0.0.1');
      const { port } = t.app.getHttpServer().address() as AddressInfo;
      baseUrl = `http://127.0.0.1:${port}`;
      // launch() gives Chromium a fresh temporary --user-data-dir of its own (and refuses one in
      // args); it is deleted on close.
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
        headless: true,
      });
    });
    afterAll(() => browser?.close());

    it('logs an admin in and shows the delivery queue', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      // The board's page asks Google Fonts for its typeface; keep the test off the network.
      await context.route(
        (url) => url.origin !== baseUrl,
        (route) => route.abort(),
      );
      try {
        const page = await context.newPage();
        await page.goto(`${baseUrl}/admin/queues`);
        expect(new URL(page.url()).pathname).toBe('/admin/login');

        await page.fill('#token', adminToken());
        await Promise.all([page.waitForURL(`${baseUrl}/admin/queues`), page.click('button')]);
        // The queue's card in the overview, not just its entry in the side menu.
        await page.locator('main').getByText(QUEUE_NAME).waitFor({ timeout: 15_000 });
        await page
          .locator('main')
          .getByText(/\d+ Jobs?/)
          .waitFor();

        const cookies = await context.cookies();
        expect(cookies).toEqual([
          expect.objectContaining({ name: 'webhooks_admin', httpOnly: true, sameSite: 'Strict' }),
        ]);
        // The session cookie cannot be read by the page's scripts.
        expect(await page.evaluate('document.cookie')).toBe('');

        mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
        console.log(`Bull Board screenshot: ${SCREENSHOT}`);
      } finally {
        await context.close();
      }
    });

    it('does not let a token without the admin role in', async () => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(`${baseUrl}/admin/login`);
        await page.fill('#token', userToken());
        const [response] = await Promise.all([
          page.waitForResponse((res) => res.request().method() === 'POST'),
          page.click('button'),
        ]);
        expect(response.status()).toBe(403);
        await page.getByText('does not have the admin role').waitFor();
        expect(await context.cookies()).toEqual([]);

        await page.goto(`${baseUrl}/admin/queues`);
        expect(new URL(page.url()).pathname).toBe('/admin/login');
      } finally {
        await context.close();
      }
    });
  });
});
