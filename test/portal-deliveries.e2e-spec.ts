import { randomUUID } from 'node:crypto';
import { Locator, Page } from 'playwright-core';
import { LogPage, WEBHOOKS_BASE as BASE } from './helpers/delivery-harness';
import { insertDeliveryRows } from './helpers/delivery-rows';
import { eventually, usePortalBrowser } from './helpers/portal-browser';
import { waitUntil, waitUntilSettled } from './helpers/waiting';

interface Bucket {
  successful: number;
  failed: number;
}

describe('Tenant portal: deliveries, in a real browser (e2e)', () => {
  jest.setTimeout(30_000);
  const portal = usePortalBrowser();
  const db = () => portal.t.dataSource;

  /** A tenant with one webhook at a fresh receiver path. */
  async function endpoint(name: string, overrides: Record<string, unknown> = {}) {
    const tenantId = randomUUID();
    const path = `/${name.toLowerCase().replace(/\W+/g, '-')}-${randomUUID()}`;
    const webhook = await portal.register(tenantId, path, { name, ...overrides });
    return { tenantId, tenant: portal.t.as(tenantId), path, webhook };
  }

  /** Final deliveries in past hours, with response times, so the chart has bars and a line. */
  async function seedPastHours(tenantId: string, webhookId: string) {
    const plan = [
      [1, 6, 1],
      [2, 9, 0],
      [3, 4, 2],
      [5, 7, 0],
      [8, 3, 3],
      [13, 5, 1],
      [20, 2, 0],
    ];
    for (const [hoursAgo, successful, failed] of plan) {
      for (const [status, count] of [
        ['success', successful],
        ['failed', failed],
      ] as const) {
        if (count === 0) continue;
        await insertDeliveryRows(db(), {
          tenantId,
          webhookId,
          status,
          count,
          attemptCount: 1,
          age: `${hoursAgo} hours`,
        });
      }
    }
    await db().query(
      `UPDATE webhook_logs
          SET completed_at = created_at + interval '1 second',
              response_time_ms = 40 + (random() * 260)::int,
              response_status = CASE WHEN status = 'success' THEN 200 ELSE 500 END
        WHERE webhook_id = $1`,
      [webhookId],
    );
    // The endpoint's own record of its last failure, as the worker would have left it.
    await db().query(
      `UPDATE webhooks SET last_failure_at =
         (SELECT max(completed_at) FROM webhook_logs WHERE webhook_id = $1 AND status = 'failed')
        WHERE id = $1`,
      [webhookId],
    );
  }

  it('shows the 24 h chart and stats, and sends a test event of a chosen type into the logs', async () => {
    const { tenantId, tenant, path, webhook } = await endpoint('Orders feed');
    await seedPastHours(tenantId, webhook.id);
    const { page, screenshot } = await portal.openAs(tenantId, {
      hash: `#/endpoints/${webhook.id}`,
    });

    const chart = page.getByRole('img', { name: 'Deliveries in the last 24 hours' });
    await chart.locator('canvas').first().waitFor();
    const series = (
      await tenant.get(`${BASE}/${webhook.id}/stats/timeseries?period=24h`).expect(200)
    ).body;
    expect(series.buckets).toHaveLength(24);
    const sum = (key: keyof Bucket) =>
      series.buckets.reduce((total: number, b: Bucket) => total + b[key], 0);
    expect(sum('successful')).toBe(36);
    expect(await page.locator('figcaption').innerText()).toContain(
      `${sum('successful') + sum('failed')} deliveries in the last 24 hours, ${sum('failed')} failed`,
    );
    const stats = (await tenant.get(`${BASE}/${webhook.id}/stats?period=24h`).expect(200)).body;
    expect(await fact(page, 'Deliveries')).toBe(String(stats.totalDeliveries));
    expect(await fact(page, 'Successful')).toBe(String(stats.successfulDeliveries));
    expect(await fact(page, 'Failed')).toBe(String(stats.failedDeliveries));
    expect(await fact(page, 'p95 response time')).toBe(`${Math.round(stats.p95ResponseTimeMs)} ms`);

    await page.getByLabel('Test event type').selectOption('contact.created');
    await page.getByRole('button', { name: 'Send test event' }).click();
    const [request] = await portal.receiver.waitFor(1, path);
    expect(JSON.parse(request.body).type).toBe('contact.created');
    await page
      .getByRole('status')
      .getByText(/^Delivered — status code 200, \d+ ms$/)
      .waitFor();
    const newest = logRows(page).first();
    await eventually(async () =>
      expect((await newest.getByRole('cell').allInnerTexts()).slice(1, 5)).toEqual([
        'contact.created',
        'success',
        '1',
        '200',
      ]),
    );
    await screenshot('endpoint');
  });

  it('opens a delivery: payload, attempts, response excerpt; Retry adds an attempt', async () => {
    const { tenantId, tenant, path, webhook } = await endpoint('Invoices');
    portal.receiver.script(path, { status: 500, body: 'upstream down: try later' });
    await portal.webhooks.triggerEvent(tenantId, 'message.sent', {
      message: { id: 'msg_retry', to: '+15550100' },
    });
    const [failed] = (await portal.finalLogs(tenantId, webhook.id)).data;
    expect(failed.status).toBe('failed');
    const detail = (await tenant.get(`${BASE}/${webhook.id}/logs/${failed.id}`).expect(200)).body;

    const { page, screenshot } = await portal.openAs(tenantId, {
      hash: `#/endpoints/${webhook.id}/logs/${failed.id}`,
    });
    const attempts = page.getByRole('table', { name: 'Attempts' }).locator('tbody tr');
    await attempts.first().waitFor();
    expect(await fact(page, 'Status')).toBe('failed');
    expect(await fact(page, 'Event ID')).toBe(failed.eventId);
    expect(await fact(page, 'Event type')).toBe('message.sent');
    const [payload, response] = await page.locator('pre.code').allInnerTexts();
    expect(JSON.parse(payload)).toEqual(detail.payload);
    expect(JSON.parse(payload).data.message.id).toBe('msg_retry');
    expect(response).toBe('upstream down: try later');
    const firstAttempt = await attempts.first().getByRole('cell').allInnerTexts();
    expect([firstAttempt[0], firstAttempt[2]]).toEqual(['1', '500']);
    expect(firstAttempt[3]).toMatch(/^\d+ ms$/);
    await screenshot('delivery');

    await page.getByRole('button', { name: 'Retry' }).click();
    await portal.receiver.waitFor(2, path);
    await eventually(async () => expect(await attempts.count()).toBe(2), 10_000);
    const secondAttempt = await attempts.nth(1).getByRole('cell').allInnerTexts();
    expect([secondAttempt[0], secondAttempt[2]]).toEqual(['2', '200']);
    await eventually(async () => expect(await fact(page, 'Status')).toBe('success'), 10_000);
    expect(portal.receiver.received(path)).toHaveLength(2);
  });

  it('filters the logs by status and event type, and pages through them', async () => {
    const { tenantId, webhook } = await endpoint('Mixed logs');
    const seed = (status: string, eventType: string, count: number) =>
      insertDeliveryRows(db(), {
        tenantId,
        webhookId: webhook.id,
        status,
        eventType,
        count,
        attemptCount: 1,
      });
    await seed('success', 'message.sent', 18);
    await seed('failed', 'message.failed', 5);
    await seed('success', 'contact.created', 3);
    const { page } = await portal.openAs(tenantId, { hash: `#/endpoints/${webhook.id}` });
    const rows = logRows(page);
    const pages = page.getByRole('navigation', { name: 'Pages' });

    await eventually(async () => expect(await rows.count()).toBe(20));
    await pages.getByText('Page 1 of 2').waitFor();
    await page.getByRole('button', { name: 'Next page' }).click();
    await pages.getByText('Page 2 of 2').waitFor();
    await eventually(async () => expect(await rows.count()).toBe(6));
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);

    await page.getByLabel('Status', { exact: true }).selectOption('failed');
    await pages.getByText('Page 1 of 1').waitFor();
    await eventually(async () => expect(await columnOf(rows, 2)).toEqual(Array(5).fill('failed')));
    expect(await columnOf(rows, 1)).toEqual(Array(5).fill('message.failed'));

    await page.getByLabel('Status', { exact: true }).selectOption('');
    await page.getByLabel('Event type', { exact: true }).selectOption('contact.created');
    await eventually(async () =>
      expect(await columnOf(rows, 1)).toEqual(Array(3).fill('contact.created')),
    );
    await page.getByLabel('Status', { exact: true }).selectOption('failed');
    await page.getByText('No deliveries match.').waitFor();
    expect(await rows.count()).toBe(0);
  });

  it('recovers the failed deliveries since a chosen date and shows how many were queued', async () => {
    const { tenantId, path, webhook } = await endpoint('Recovering');
    portal.receiver.script(path, { status: 500 }, { status: 500 }, { status: 503 });
    for (let i = 0; i < 3; i++) {
      await portal.webhooks.triggerEvent(tenantId, 'message.sent', { i });
    }
    // An older failure, before the date the tenant picks: it stays failed.
    const [old] = await insertDeliveryRows(db(), {
      tenantId,
      webhookId: webhook.id,
      status: 'failed',
      attemptCount: 1,
      age: '2 days',
    });
    await waitUntil(
      () => portal.finalLogs(tenantId, webhook.id, '?status=failed'),
      (page: LogPage) => page.meta.total === 4,
    );

    const { page } = await portal.openAs(tenantId, { hash: `#/endpoints/${webhook.id}` });
    await page.getByLabel('Failed since').fill(localDateTime(new Date(Date.now() - 3600_000)));
    await page.getByRole('button', { name: 'Recover failed' }).click();
    await page.getByRole('status').getByText('3 failed deliveries queued again.').waitFor();
    await portal.receiver.waitFor(6, path);
    await waitUntilSettled(portal.t, [webhook.id]);
    const after = await portal.finalLogs(tenantId, webhook.id, '?status=failed');
    expect(after.data.map((log) => log.id)).toEqual([old.id]);
    expect(portal.receiver.received(path)).toHaveLength(6);
  });

  it('reveals the secret the API returns and rotates it', async () => {
    const { tenant, webhook, tenantId } = await endpoint('Secrets');
    const { page } = await portal.openAs(tenantId, { hash: `#/endpoints/${webhook.id}` });
    const secret = page
      .locator('section', { has: page.getByRole('heading', { name: 'Signing secret' }) })
      .locator('code');
    const masked = (await tenant.get(`${BASE}/${webhook.id}`).expect(200)).body.secret;
    await eventually(async () => expect(await secret.innerText()).toBe(masked));
    expect(masked).toMatch(/^whsec_….{4}$/);

    await page.getByRole('button', { name: 'Reveal secret' }).click();
    await eventually(async () => expect(await secret.innerText()).toBe(webhook.secret));
    expect((await tenant.get(`${BASE}/${webhook.id}/secret`).expect(200)).body.secret).toBe(
      webhook.secret,
    );

    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('button', { name: 'Yes, rotate' }).click();
    await page
      .getByRole('status')
      .getByText(/old secret stays valid for 24 hours/)
      .waitFor();
    const rotated = (await tenant.get(`${BASE}/${webhook.id}/secret`).expect(200)).body.secret;
    expect(rotated).not.toBe(webhook.secret);
    expect(rotated).toMatch(/^whsec_/);
    expect(await secret.innerText()).toBe(rotated);
  });

  it('looks an event up and shows its deliveries to both endpoints it went to', async () => {
    const tenantId = randomUUID();
    const first = await portal.register(tenantId, `/fan-a-${randomUUID()}`, { name: 'Fan-out A' });
    const second = await portal.register(tenantId, `/fan-b-${randomUUID()}`, {
      name: 'Fan-out B',
    });
    const { eventId } = await portal.webhooks.triggerEvent(tenantId, 'message.sent', {
      message: { id: 'msg_fan' },
    });
    await waitUntilSettled(portal.t, [first.id, second.id]);

    const { page, screenshot } = await portal.openAs(tenantId, { hash: '#/events' });
    await page
      .getByRole('table', { name: 'Recent events' })
      .getByRole('link', { name: eventId })
      .waitFor();
    await page.getByLabel('Event ID').fill(eventId);
    await page.getByRole('button', { name: 'Look up' }).click();
    const deliveries = page.getByRole('table', { name: 'Event deliveries' }).locator('tbody tr');
    await eventually(async () => expect(await deliveries.count()).toBe(2));
    const shown = await Promise.all(
      [0, 1].map(async (i) =>
        (await deliveries.nth(i).getByRole('cell').allInnerTexts()).slice(0, 4),
      ),
    );
    expect(shown.sort((a, b) => a[0].localeCompare(b[0]))).toEqual([
      ['Fan-out A', 'success', '1', '200'],
      ['Fan-out B', 'success', '1', '200'],
    ]);
    await screenshot('event-lookup');

    await deliveries.getByRole('link', { name: 'Fan-out B' }).click();
    await page.getByRole('heading', { level: 1, name: 'Delivery' }).waitFor();
    await eventually(async () => expect(await fact(page, 'Event ID')).toBe(eventId));
    expect(page.url()).toContain(`#/endpoints/${second.id}/logs/`);
  });
});

/** The text of the definition whose term is `term`. */
function fact(page: Page, term: string): Promise<string> {
  return page
    .locator('dt', { hasText: new RegExp(`^${term}$`) })
    .locator('xpath=following-sibling::dd[1]')
    .innerText();
}

function logRows(page: Page): Locator {
  return page.getByRole('table', { name: 'Delivery logs' }).locator('tbody tr');
}

async function columnOf(rows: Locator, index: number): Promise<string[]> {
  return rows.evaluateAll(
    (trs, i) => trs.map((tr) => (tr.children[i] as { innerText: string }).innerText.trim()),
    index,
  );
}

/** A `datetime-local` value in this machine's time zone, which the browser shares. */
function localDateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
