import { existsSync, mkdirSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, chromium, ConsoleMessage, Page } from 'playwright-core';
import { DeliveryPipeline, ONE_ATTEMPT, startDeliveryPipeline } from './delivery-harness';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/chromium';

export const SCREENSHOTS = resolve(__dirname, '..', '..', 'test-output', 'portal');
export const SESSIONS_ROUTE = '/api/v1/webhooks/portal/sessions';

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 375, height: 800 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

export interface PortalSession {
  url: string;
  token: string;
  expiresAt: string;
}

export interface OpenOptions {
  viewport?: ViewportName;
  /**
   * Console errors this page is expected to log, e.g. Chromium's "Failed to load resource: the
   * server responded with a status of 404" when the test is about a refused request.
   */
  allowConsoleErrors?: RegExp[];
  /**
   * HTTP error statuses the test makes the page meet (a refused form, another tenant's id):
   * Chromium logs each such response as a console error, which is then expected.
   */
  refusedStatuses?: number[];
}

export interface PortalPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, page errors and CSP violations seen so far (allowed console errors left out). */
  problems(): Promise<string[]>;
  /** Goes to a hash route of the portal (`#/endpoints/<id>`) in the same tab, keeping the session. */
  route(hash: string): Promise<void>;
  /** A full-page PNG at test-output/portal/<name>.png. */
  screenshot(name: string): Promise<string>;
}

export interface PortalBrowser extends DeliveryPipeline {
  baseUrl: string;
  browser: Browser;
  /** A session created the way a tenant's backend does: the route, with the tenant's JWT. */
  session(
    tenantId: string,
    body?: { readOnly?: boolean; expiresInMinutes?: number },
  ): Promise<PortalSession>;
  /** Opens `url` in a fresh browser context (its own sessionStorage), watching for errors. */
  open(url: string, options?: OpenOptions): Promise<PortalPage>;
  /**
   * A new session of the tenant, opened from its link; once the portal has taken the token and
   * shown its navigation, goes to `hash` (default: the endpoints list).
   */
  openAs(tenantId: string, options?: OpenAsOptions): Promise<PortalPage>;
}

export interface OpenAsOptions extends OpenOptions {
  hash?: string;
  readOnly?: boolean;
}

/**
 * Records the page's CSP violations in window.__cspViolations. Runs before the page's own
 * scripts; the browser injects it, so the page's CSP does not apply to it.
 */
export const WATCH_CSP = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline'));
  });
`;

/**
 * The real-browser harness of the portal specs, as jest hooks: boots the example app on a free
 * port with the delivery pipeline (API, worker, a real receiver), launches Chromium, and after
 * each test closes that test's pages and fails it if one of them logged a console error, threw,
 * or reported a CSP violation. Call at the top of a describe block; read the returned object's
 * fields inside tests.
 */
export function usePortalBrowser(options: { retryPolicy?: object } = {}): PortalBrowser {
  const harness = {} as PortalBrowser;
  const opened: PortalPage[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: run scripts/install-chromium.sh`);
    const pipeline = await startDeliveryPipeline({
      retryPolicy: options.retryPolicy ?? ONE_ATTEMPT,
    });
    await pipeline.t.app.listen(0, '127.0.0.1');
    const { port } = pipeline.t.app.getHttpServer().address() as AddressInfo;
    const baseUrl = `http://127.0.0.1:${port}`;
    const index = await fetch(`${baseUrl}/portal`);
    if (index.status !== 200) {
      await pipeline.close();
      throw new Error(`GET /portal answered ${index.status}: run \`npm run build:portal\` first`);
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
    Object.assign(harness, pipeline, {
      baseUrl,
      browser,
      async session(tenantId: string, body = {}) {
        const res = await pipeline.t.as(tenantId).post(SESSIONS_ROUTE, body).expect(201);
        return res.body as PortalSession;
      },
      async open(url: string, openOptions: OpenOptions = {}) {
        const portalPage = await openPage(browser, baseUrl, url, openOptions);
        opened.push(portalPage);
        return portalPage;
      },
      async openAs(tenantId: string, { hash, readOnly, ...openOptions }: OpenAsOptions = {}) {
        const { url } = await harness.session(tenantId, readOnly ? { readOnly } : {});
        const portalPage = await harness.open(url, openOptions);
        await portalPage.page.getByRole('navigation', { name: 'Portal' }).waitFor();
        if (hash) await portalPage.route(hash);
        return portalPage;
      },
      async close() {
        await browser.close();
        await pipeline.close();
      },
    } satisfies Partial<PortalBrowser>);
  });

  afterEach(async () => {
    const pages = opened.splice(0);
    const problems = (await Promise.all(pages.map((p) => p.problems()))).flat();
    await Promise.all(pages.map((p) => p.context.close()));
    if (problems.length > 0) throw new Error(`the portal page reported:\n${problems.join('\n')}`);
  });

  afterAll(async () => {
    await harness.close?.();
  });

  return harness;
}

async function openPage(
  browser: Browser,
  baseUrl: string,
  url: string,
  options: OpenOptions,
): Promise<PortalPage> {
  const context = await browser.newContext({
    viewport: VIEWPORTS[options.viewport ?? 'desktop'],
    deviceScaleFactor: 1,
  });
  // Nothing but the app under test: a request elsewhere would be a bug, and this machine has no
  // network to answer it.
  await context.route(
    (target) => target.origin !== baseUrl,
    (route) => route.abort(),
  );
  await context.addInitScript(WATCH_CSP);
  // A screen that does not show what a test waits for fails it well within the test's time.
  context.setDefaultTimeout(8000);
  const page = await context.newPage();
  const seen: string[] = [];
  const allowed = [
    ...(options.allowConsoleErrors ?? []),
    ...(options.refusedStatuses ?? []).map(
      (status) =>
        new RegExp(`^Failed to load resource: the server responded with a status of ${status} `),
    ),
  ];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error') return;
    if (allowed.some((pattern) => pattern.test(message.text()))) return;
    seen.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => seen.push(`page error: ${error.message}`));
  await page.goto(url);
  return {
    page,
    context,
    async problems() {
      const violations = page.isClosed()
        ? []
        : await page.evaluate<string[]>('window.__cspViolations ?? []').catch(() => []);
      return [...seen, ...violations.map((v) => `CSP violation: ${v}`)];
    },
    async route(hash: string) {
      await page.evaluate(`window.location.hash = ${JSON.stringify(hash.replace(/^#/, ''))}`);
    },
    async screenshot(name: string) {
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
  };
}

/**
 * Retries `check` (jest expectations on what the page shows) until it passes, for UI state that
 * follows a request; fails with the last expectation's message.
 */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The width of the whole page's scrollable area: above the viewport's, the page scrolls sideways. */
export function documentScrollWidth(page: Page): Promise<number> {
  return page.evaluate<number>('document.scrollingElement.scrollWidth');
}
