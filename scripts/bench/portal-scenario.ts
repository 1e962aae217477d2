/**
 * Scenario 10: the tenant portal's first view of an endpoint with 100,000 delivery logs in the
 * last 24 hours, in Chromium: from the start of the navigation to the frame after the chart,
 * the stats and the first page of the delivery logs are all on the page. The limit, measured in
 * the same run, is the same view of an endpoint with no logs, so the ratio says what the logs
 * cost. Beside it each API call of that view alone (server time over loopback, sequential), and
 * the size of the page's scripts and styles, gzipped.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { BenchContext } from './bench-app';
import { DayPartitions } from '../../src/modules/webhooks/partitions/day-partitions.service';
import { DAY_MS } from '../../src/modules/webhooks/partitions/day-partitions';
import { percentile, Scenario } from './report';
import { CHROMIUM, CHROMIUM_ARGS } from '../chromium';

const SESSIONS_ROUTE = '/api/v1/webhooks/portal/sessions';
const UI_DIR = resolve(__dirname, '..', '..', 'src', 'modules', 'webhooks', 'portal', 'ui');
/** Where `npm run build:portal` writes the page the module serves (vite.config.mts). */
const PORTAL_PAGE_DIR = resolve(UI_DIR, '..', 'page');
const CHART_NAME = 'Deliveries in the last 24 hours';
/** The portal's page size for the delivery logs. */
const LOGS_PAGE = 20;

export interface PortalSize {
  logs: number;
  /** Rounds of loads; each round loads both endpoints with a cold and then a warm cache. */
  rounds: number;
  /** Sequential requests per API call and endpoint, after a warm-up. */
  apiSamples: number;
}

/** The three calls the endpoint page makes for its chart, stats and logs, as the page sends them. */
const API_CALLS = [
  ['stats?period=24h', 'stats?period=24h'],
  ['stats/timeseries?period=24h', 'stats/timeseries?period=24h'],
  ['logs page 1', `logs?page=1&limit=${LOGS_PAGE}`],
] as const;

/**
 * The app reads the built page once, at boot: called before it boots. Builds the page when it
 * is missing or older than its sources; a failed build stops the benchmark with the reason.
 */
export function preparePortalPage(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `portal scenario: ${CHROMIUM} is missing; run scripts/install-chromium.sh (as root)`,
    );
  const index = join(PORTAL_PAGE_DIR, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(UI_DIR)) return;
  console.log('portal scenario: building the portal page (npm run build:portal)');
  const build = spawnSync('npm', ['run', '-s', 'build:portal'], { stdio: 'inherit' });
  if (build.status !== 0 || !existsSync(index))
    throw new Error(
      `portal scenario: \`npm run build:portal\` failed (${build.error?.message ?? `exit ${build.status}`}); ` +
        'the scenario needs the built portal page',
    );
}

export async function portalScenario(context: BenchContext, size: PortalSize): Promise<Scenario[]> {
  const filled = await seededEndpoint(context, size.logs);
  const empty = await seededEndpoint(context, 0);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const views = await measureViews(context, browser, [filled, empty], size.rounds);
    const calls = await measureCalls(context, [filled, empty], size.apiSamples);
    const logs = size.logs.toLocaleString('en-US');
    const rows: Scenario[] = [];
    for (const cache of ['cold', 'warm'] as const) {
      const limitName = `limit: portal first view, no logs, ${cache} cache`;
      rows.push(viewRow(limitName, views.get(`${empty.label}/${cache}`)!, 'limit'));
      rows.push({
        ...viewRow(
          `10. portal first view, ${logs} logs, ${cache} cache`,
          views.get(`${filled.label}/${cache}`)!,
          'component',
        ),
        comparedWith: limitName,
      });
    }
    for (const [label] of API_CALLS) {
      const limitName = `limit: GET ${label}, no logs`;
      rows.push(callRow(limitName, calls.get(`${empty.label}/${label}`)!, 'limit'));
      rows.push({
        ...callRow(`10. GET ${label}, ${logs} logs`, calls.get(`${filled.label}/${label}`)!),
        comparedWith: limitName,
      });
    }
    rows.push(shippedSize());
    return rows;
  } finally {
    await browser.close();
  }
}

interface Endpoint {
  label: string;
  tenantId: string;
  webhookId: string;
  logs: number;
}

/** A tenant with one webhook and `logs` final or retrying deliveries over the last 23 hours. */
async function seededEndpoint(context: BenchContext, logs: number): Promise<Endpoint> {
  const tenantId = randomUUID();
  const webhookId = await context.endpoint(tenantId);
  if (logs > 0) await seedLogs(context, tenantId, webhookId, logs);
  return { label: logs > 0 ? 'filled' : 'empty', tenantId, webhookId, logs };
}

/**
 * The events, their keys and the logs in one statement, as the outbox writes them (a log shares
 * its event's created_at), spread evenly from one minute to 23 hours ago: inside the 24 hourly
 * buckets of the chart and the 24 h stats for the whole run. About 91 % success, 8 % failed
 * (5xx, 4xx, timeouts) and 1 % retrying with the next attempt a day away, so no worker picks one
 * up during the run; response times of 20 ms to a few seconds.
 */
async function seedLogs(
  context: BenchContext,
  tenantId: string,
  webhookId: string,
  logs: number,
): Promise<void> {
  // Today's and yesterday's partitions: the last 24 hours span two UTC days.
  await new DayPartitions(context.db).ensureDays(Date.now() - DAY_MS, Date.now());
  const spacingMs = (23 * 3600_000 - 60_000) / logs;
  await context.db.query(
    `WITH input AS (
       SELECT g, 'evt_portal_' || g AS event_id,
              CASE WHEN g % 5 = 0 THEN 'message.failed' ELSE 'message.sent' END AS event_type,
              CASE WHEN g % 100 = 0 THEN 'retrying' WHEN g % 100 < 9 THEN 'failed' ELSE 'success' END
                AS status,
              CASE WHEN g % 100 = 0 OR g % 100 >= 9 THEN 20 + (g::bigint * 7919 % 480)::int
                   WHEN g % 3 = 0 THEN 10000 ELSE 50 + (g::bigint * 104729 % 2950)::int END AS ms,
              now() - interval '1 minute' - (g - 1) * $4::float8 * interval '1 millisecond'
                AS created_at
         FROM generate_series(1, $3::int) AS g),
     shaped AS (
       SELECT *, CASE WHEN status = 'success' THEN 200
                      WHEN ms = 10000 THEN NULL
                      WHEN g % 2 = 0 THEN 503 ELSE 404 END AS code
         FROM input),
     keys AS (
       INSERT INTO webhook_event_keys (tenant_id, event_id, created_at)
       SELECT $1, event_id, created_at FROM shaped),
     events AS (
       INSERT INTO webhook_events (tenant_id, event_id, event_type, payload, created_at)
       SELECT $1, event_id, event_type,
              json_build_object('id', event_id, 'type', event_type, 'timestamp', created_at,
                                'data', json_build_object('message', json_build_object(
                                  'id', 'msg_' || g, 'to', '+1555' || lpad((g % 10000)::text, 4, '0')))),
              created_at
         FROM shaped)
     INSERT INTO webhook_logs (tenant_id, webhook_id, event_id, event_type, status, attempt_count,
                               attempts, response_status, response_time_ms, error_message,
                               next_attempt_at, created_at, updated_at, completed_at)
     SELECT $1, $2::uuid, event_id, event_type, status, CASE WHEN status = 'success' THEN 1 ELSE 3 END,
            jsonb_build_array(jsonb_build_object(
              'attempt', 1, 'at', created_at, 'statusCode', code, 'responseTimeMs', ms,
              'error', CASE WHEN code IS NULL THEN 'timeout of 10000 ms' END)),
            code, ms, CASE WHEN code IS NULL THEN 'timeout of 10000 ms' END,
            CASE WHEN status = 'retrying' THEN now() + interval '1 day' END,
            created_at, created_at + ms * interval '1 millisecond',
            CASE WHEN status <> 'retrying' THEN created_at + ms * interval '1 millisecond' END
       FROM shaped`,
    [tenantId, webhookId, logs, spacingMs],
  );
  // As autovacuum would have long before a tenant looks: fresh statistics, a visibility map.
  await context.db.query('VACUUM (ANALYZE) webhook_logs, webhook_events, webhook_event_keys');
}

interface ViewSample {
  /** From the navigation's start to the frame after all three parts were on the page. */
  ms: number;
  /** Time to first byte of each API call inside the page load, in API_CALLS order. */
  apiMs: number[];
  problems: string[];
}

/**
 * Marks, in the page's own clock (0 = start of the navigation), when the chart's canvas, the
 * stats and the delivery logs table are first in the document, and the frame after all three.
 */
const WATCH_FIRST_VIEW = `
  window.__firstView = {};
  (() => {
    const marks = window.__firstView;
    const logsTable = () => [...document.querySelectorAll('table')]
      .find((table) => table.caption && table.caption.textContent === 'Delivery logs');
    const look = () => {
      const now = performance.now();
      if (marks.chart === undefined &&
          document.querySelector('[role="img"][aria-label="${CHART_NAME}"] canvas')) marks.chart = now;
      if (marks.stats === undefined && document.querySelector('dl.stats dd')) marks.stats = now;
      if (marks.logs === undefined && logsTable()) marks.logs = now;
      if (marks.chart === undefined || marks.stats === undefined || marks.logs === undefined) return;
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => { marks.shown = performance.now(); }));
    };
    const observer = new MutationObserver(look);
    observer.observe(document, { childList: true, subtree: true });
  })();
`;

async function measureViews(
  context: BenchContext,
  browser: Browser,
  endpoints: Endpoint[],
  rounds: number,
): Promise<Map<string, ViewSample[]>> {
  const tabs = await Promise.all(endpoints.map((endpoint) => openTab(context, browser, endpoint)));
  const samples = new Map<string, ViewSample[]>();
  try {
    // Interleaved, so a busy moment of the machine falls on both endpoints alike.
    for (let round = 0; round < rounds; round++) {
      for (const cache of ['cold', 'warm'] as const) {
        for (const tab of tabs) {
          const sample = await tab.load(cache);
          const key = `${tab.endpoint.label}/${cache}`;
          samples.set(key, [...(samples.get(key) ?? []), sample]);
        }
      }
    }
  } finally {
    await Promise.all(tabs.map((tab) => tab.context.close()));
  }
  return samples;
}

interface Tab {
  endpoint: Endpoint;
  context: BrowserContext;
  load(cache: 'cold' | 'warm'): Promise<ViewSample>;
}

/**
 * A browser context holding a portal session of the endpoint's tenant: the link opened once
 * (the page keeps its token in the tab's sessionStorage), then every load a full navigation to
 * the endpoint page. A cold load clears the browser's cache first.
 */
async function openTab(context: BenchContext, browser: Browser, endpoint: Endpoint): Promise<Tab> {
  const session = await fetch(`${context.baseUrl}${SESSIONS_ROUTE}`, {
    method: 'POST',
    headers: {
      authorization: context.bearer(endpoint.tenantId),
      'content-type': 'application/json',
    },
    body: '{}',
  });
  if (session.status !== 201)
    throw new Error(`portal session: ${session.status} ${await session.text()}`);
  // The link's path and fragment, on the port this run listens on.
  const { url } = (await session.json()) as { url: string };
  const link = new URL(url);
  const portalUrl = `${context.baseUrl}${link.pathname}`;
  const browserContext = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
  });
  // Nothing but the app: this machine has no network, and the view should need none.
  await browserContext.route(
    (target) => target.origin !== context.baseUrl,
    (route) => route.abort(),
  );
  await browserContext.addInitScript(WATCH_FIRST_VIEW);
  const page = await browserContext.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(`${portalUrl}${link.hash}`);
  await page.getByRole('navigation', { name: 'Portal' }).waitFor({ timeout: 30_000 });
  const cdp = await browserContext.newCDPSession(page);
  const target = `${portalUrl}#/endpoints/${endpoint.webhookId}`;
  return {
    endpoint,
    context: browserContext,
    async load(cache) {
      await page.goto('about:blank');
      if (cache === 'cold') await cdp.send('Network.clearBrowserCache');
      problems.length = 0;
      await page.goto(target);
      // A function, not a string: the page's CSP refuses what a string predicate would eval.
      await page.waitForFunction(
        () => (globalThis as { __firstView?: { shown?: number } }).__firstView?.shown !== undefined,
        undefined,
        { timeout: 60_000 },
      );
      const ms = await page.evaluate<number>('window.__firstView.shown');
      return {
        ms,
        apiMs: await apiTimes(page),
        problems: [...problems, ...(await check(page, endpoint))],
      };
    },
  };
}

/** Each API call's time to first byte inside the load (Resource Timing), in API_CALLS order. */
async function apiTimes(page: Page): Promise<number[]> {
  const entries = await page.evaluate<
    Array<{ name: string; requestStart: number; responseStart: number }>
  >(
    `performance.getEntriesByType('resource').map(({ name, requestStart, responseStart }) =>
       ({ name, requestStart, responseStart }))`,
  );
  return API_CALLS.map(([, path]) => {
    const entry = entries.find((candidate) => candidate.name.endsWith(`/${path}`));
    return entry ? entry.responseStart - entry.requestStart : NaN;
  });
}

/** What the view must show for its figure to count: the seeded logs, in the chart, stats and table. */
async function check(page: Page, endpoint: Endpoint): Promise<string[]> {
  const chart = page.getByRole('img', { name: CHART_NAME });
  const caption = await page.locator('figure.chart figcaption').innerText();
  const deliveries = await page
    .locator('dl.stats div', { hasText: /^Deliveries/ })
    .first()
    .locator('dd')
    .innerText();
  const rows = await page.getByRole('table', { name: 'Delivery logs' }).locator('tbody tr').count();
  // The chart counts final deliveries only: the seeded retrying ones (1 in 100) are left out.
  const final = endpoint.logs - Math.floor(endpoint.logs / 100);
  const expected = {
    caption:
      endpoint.logs === 0
        ? 'No deliveries in the last 24 hours.'
        : `${final} deliveries in the last 24 hours,`,
    deliveries: String(endpoint.logs),
    rows: Math.min(endpoint.logs, LOGS_PAGE),
  };
  const problems: string[] = [];
  if (!(await chart.isVisible())) problems.push('the chart is not visible');
  if (!caption.startsWith(expected.caption)) problems.push(`chart caption "${caption}"`);
  if (deliveries !== expected.deliveries) problems.push(`stats show ${deliveries} deliveries`);
  if (rows !== expected.rows) problems.push(`the logs table has ${rows} rows`);
  return problems;
}

/** Sequential requests per call, each endpoint in turn, after a warm-up of each: milliseconds. */
async function measureCalls(
  context: BenchContext,
  endpoints: Endpoint[],
  samples: number,
): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>();
  const call = async (endpoint: Endpoint, path: string): Promise<number> => {
    const started = performance.now();
    const response = await fetch(
      `${context.baseUrl}/api/v1/webhooks/${endpoint.webhookId}/${path}`,
      {
        headers: { authorization: context.bearer(endpoint.tenantId) },
      },
    );
    await response.arrayBuffer();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
    return ms;
  };
  for (const endpoint of endpoints) for (const [, path] of API_CALLS) await call(endpoint, path);
  for (let i = 0; i < samples; i++) {
    for (const endpoint of endpoints) {
      for (const [label, path] of API_CALLS) {
        const key = `${endpoint.label}/${label}`;
        times.set(key, [...(times.get(key) ?? []), await call(endpoint, path)]);
      }
    }
  }
  return times;
}

function viewRow(name: string, samples: ViewSample[], kind: Scenario['kind']): Scenario {
  const ms = samples.map((sample) => sample.ms).sort((a, b) => a - b);
  const median = percentile(ms, 50);
  const apiMedian = (index: number) =>
    percentile(
      samples.map((sample) => sample.apiMs[index]).sort((a, b) => a - b),
      50,
    ).toFixed(0);
  const problems = [...new Set(samples.flatMap((sample) => sample.problems))];
  return {
    name,
    kind,
    count: samples.length,
    // Views per second, so the ratio to the limit reads like every other row's.
    perSecond: 1000 / median,
    detail: {
      'median ms': +median.toFixed(0),
      'min–max ms': `${ms[0].toFixed(0)}–${ms[ms.length - 1].toFixed(0)}`,
      'API first byte in page ms (stats / series / logs)': API_CALLS.map((_, i) =>
        apiMedian(i),
      ).join(' / '),
    },
    ...(problems.length > 0 ? { void: problems } : {}),
  };
}

function callRow(name: string, times: number[], kind: Scenario['kind'] = 'component'): Scenario {
  const sorted = [...times].sort((a, b) => a - b);
  const median = percentile(sorted, 50);
  return {
    name,
    kind,
    count: sorted.length,
    perSecond: 1000 / median,
    detail: { 'median ms': +median.toFixed(1), 'p95 ms': +percentile(sorted, 95).toFixed(1) },
  };
}

/** The built page's scripts and styles, raw and gzipped (zlib's default level, as servers send). */
function shippedSize(): Scenario {
  const assets = join(PORTAL_PAGE_DIR, 'assets');
  const sizes = { js: { raw: 0, gzip: 0 }, css: { raw: 0, gzip: 0 } };
  for (const file of readdirSync(assets)) {
    const type = extname(file).slice(1);
    if (type !== 'js' && type !== 'css') continue;
    const body = readFileSync(join(assets, file));
    sizes[type].raw += body.length;
    sizes[type].gzip += gzipSync(body).length;
  }
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  return {
    name: '10. portal page shipped (JS + CSS)',
    kind: 'storage',
    detail: {
      'JS gzip': kib(sizes.js.gzip),
      'JS raw': kib(sizes.js.raw),
      'CSS gzip': kib(sizes.css.gzip),
      'CSS raw': kib(sizes.css.raw),
    },
  };
}

/** The newest modification time of any file under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}
