import { createHmac, randomUUID } from 'node:crypto';
import { Page } from 'playwright-core';
import { WEBHOOKS_BASE as BASE } from './helpers/delivery-harness';
import { insertDeliveryRows } from './helpers/delivery-rows';
import { documentScrollWidth, eventually, usePortalBrowser } from './helpers/portal-browser';
import { waitUntilSettled } from './helpers/waiting';

interface CatalogEntry {
  type: string;
  samplePayload: unknown;
}

describe('Tenant portal: endpoints, in a real browser (e2e)', () => {
  jest.setTimeout(30_000);
  const portal = usePortalBrowser();

  it('adds an endpoint through the form: name, receiver URL, events from the catalog groups, a header', async () => {
    const tenantId = randomUUID();
    const path = `/form-${randomUUID()}`;
    const { page, screenshot } = await portal.openAs(tenantId);
    await page.getByText('No endpoints yet.').waitFor();

    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByRole('heading', { level: 1, name: 'Add endpoint' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('CRM sync');
    await page.getByLabel('URL', { exact: true }).fill(portal.receiver.url(path));
    const messages = page.getByRole('group', { name: 'message', exact: true });
    await messages.getByLabel('message.sent', { exact: true }).check();
    await page
      .getByRole('group', { name: 'campaign', exact: true })
      .getByLabel('campaign.*', { exact: true })
      .check();
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header name 1').fill('X-Api-Key');
    await page.getByLabel('Header value 1').fill('abc');

    // Each catalog event shows its sample payload, as the catalog route gives it.
    const catalog = (await portal.t.as(tenantId).get(`${BASE}/events`).expect(200)).body
      .events as CatalogEntry[];
    const sent = catalog.find((event) => event.type === 'message.sent')!;
    const sentBox = messages.locator('.event').filter({ has: page.getByLabel('message.sent') });
    await sentBox.getByText('Sample payload').click();
    expect(JSON.parse(await sentBox.locator('pre').innerText())).toEqual(sent.samplePayload);
    // Every category has its own group with its `category.*` choice, and `*` stands alone.
    const categories = [...new Set(catalog.map((e) => e.type.split('.')[0]))].filter(
      (c) => c !== '*',
    );
    for (const category of categories) {
      await page
        .getByRole('group', { name: category, exact: true })
        .getByLabel(`${category}.*`, { exact: true })
        .waitFor();
    }
    await page.getByLabel('*', { exact: true }).waitFor();
    await screenshot('endpoint-form');

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { level: 1, name: 'Endpoint created' }).waitFor();
    const shownSecret = await page.locator('code.secret').innerText();

    const list = (await portal.t.as(tenantId).get(BASE).expect(200)).body;
    expect(list.meta.total).toBe(1);
    const [created] = list.data;
    expect(created).toMatchObject({
      name: 'CRM sync',
      url: portal.receiver.url(path),
      events: ['message.sent', 'campaign.*'],
      headers: { 'X-Api-Key': 'abc' },
      isActive: true,
    });
    const secret = await portal.t.as(tenantId).get(`${BASE}/${created.id}/secret`).expect(200);
    expect(shownSecret).toBe(secret.body.secret);
    const rows = await portal.t.dataSource.query(
      `SELECT tenant_id, name, url, events FROM webhooks WHERE id = $1`,
      [created.id],
    );
    expect(rows).toEqual([
      {
        tenant_id: tenantId,
        name: 'CRM sync',
        url: portal.receiver.url(path),
        events: ['message.sent', 'campaign.*'],
      },
    ]);

    // The endpoint works as configured: its header is sent, signed with the secret shown.
    await portal.webhooks.triggerEvent(tenantId, 'message.sent', { message: { id: 'msg_form' } });
    const [delivery] = await portal.receiver.waitFor(1, path);
    expect(delivery.headers['x-api-key']).toBe('abc');
    expect(delivery.headers['x-webhook-signature']).toBe(
      `sha256=${createHmac('sha256', shownSecret).update(delivery.body).digest('hex')}`,
    );
    await waitUntilSettled(portal.t, [created.id]);

    await page
      .getByRole('navigation', { name: 'Portal' })
      .getByRole('link', { name: 'Endpoints' })
      .click();
    const row = page.getByRole('table', { name: 'Endpoints' }).getByRole('row').nth(1);
    await row.getByRole('link', { name: 'CRM sync' }).waitFor();
    expect(await row.getByRole('cell').allInnerTexts()).toEqual([
      'CRM sync',
      portal.receiver.url(path),
      'active',
      '100%',
      'Disable',
    ]);
  });

  it('lists every endpoint with its URL, status word and 24 h success rate', async () => {
    const tenantId = randomUUID();
    const crmPath = `/list-crm-${randomUUID()}`;
    const crm = await portal.register(tenantId, crmPath, { name: 'CRM sync' });
    const billing = await portal.register(tenantId, `/list-billing-${randomUUID()}`, {
      name: 'Billing',
    });
    await portal.t.as(tenantId).patch(`${BASE}/${billing.id}`, { isActive: false }).expect(200);
    for (const [status, count] of [
      ['success', 3],
      ['failed', 1],
    ] as const) {
      await insertDeliveryRows(portal.t.dataSource, {
        tenantId,
        webhookId: crm.id,
        status,
        count,
        attemptCount: 1,
        age: '2 hours',
      });
    }
    const { page, screenshot } = await portal.openAs(tenantId);
    const endpoints = page.getByRole('table', { name: 'Endpoints' });
    const cells = (name: string) =>
      endpoints.getByRole('row').filter({ hasText: name }).getByRole('cell').allInnerTexts();
    await endpoints.getByRole('link', { name: 'Billing' }).waitFor();
    expect(await cells('CRM sync')).toEqual([
      'CRM sync',
      portal.receiver.url(crmPath),
      'active',
      '75%',
      'Disable',
    ]);
    expect((await cells('Billing')).slice(2)).toEqual(['disabled', 'no deliveries', 'Enable']);
    await screenshot('endpoints');
  });

  it('shows the server’s 400 messages next to the form and creates nothing', async () => {
    const tenantId = randomUUID();
    const { page } = await portal.openAs(tenantId, {
      hash: '#/endpoints/new',
      refusedStatuses: [400],
    });
    await page.getByLabel('Name', { exact: true }).fill('No events');
    await page.getByLabel('URL', { exact: true }).fill('ftp://example.com/hooks');
    await page.getByRole('button', { name: 'Save' }).click();
    const alert = page.locator('form').getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/url/i);
    expect(await alert.innerText()).toMatch(/events/i);
    expect((await portal.t.as(tenantId).get(BASE).expect(200)).body.meta.total).toBe(0);
  });

  it('edits an endpoint, disables and enables it from the list, and deletes it', async () => {
    const tenantId = randomUUID();
    const tenant = portal.t.as(tenantId);
    const webhook = await portal.register(tenantId, `/edit-${randomUUID()}`, { name: 'Billing' });
    const { page } = await portal.openAs(tenantId);
    const endpoints = page.getByRole('table', { name: 'Endpoints' });
    const row = endpoints.getByRole('row').filter({ hasText: 'Billing' });

    await page.getByRole('button', { name: 'Disable Billing' }).click();
    await page.getByRole('button', { name: 'Enable Billing' }).waitFor();
    await row.getByText('disabled', { exact: true }).waitFor();
    expect((await tenant.get(`${BASE}/${webhook.id}`).expect(200)).body).toMatchObject({
      isActive: false,
      status: 'disabled',
    });
    await page.getByRole('button', { name: 'Enable Billing' }).click();
    await page.getByRole('button', { name: 'Disable Billing' }).waitFor();
    await row.getByText('active', { exact: true }).waitFor();
    expect((await tenant.get(`${BASE}/${webhook.id}`).expect(200)).body.status).toBe('active');

    await row.getByRole('link', { name: 'Billing' }).click();
    await page.getByRole('heading', { level: 1, name: 'Billing' }).waitFor();
    await page.getByRole('link', { name: 'Edit endpoint' }).click();
    const name = page.getByLabel('Name', { exact: true });
    await eventually(async () => expect(await name.inputValue()).toBe('Billing'));
    const newUrl = portal.receiver.url(`/edited-${randomUUID()}`);
    await name.fill('Billing v2');
    await page.getByLabel('URL', { exact: true }).fill(newUrl);
    await page.getByLabel('Max attempts').fill('5');
    await page.getByLabel('contact.created', { exact: true }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { level: 1, name: 'Billing v2' }).waitFor();
    const edited = (await tenant.get(`${BASE}/${webhook.id}`).expect(200)).body;
    expect(edited).toMatchObject({ name: 'Billing v2', url: newUrl });
    expect(edited.retryPolicy.maxAttempts).toBe(5);
    expect(edited.events).toEqual(expect.arrayContaining(['contact.created']));

    await page.getByRole('button', { name: 'Delete endpoint' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByRole('heading', { level: 1, name: 'Endpoints' }).waitFor();
    await page.getByText('No endpoints yet.').waitFor();
    await tenant.get(`${BASE}/${webhook.id}`).expect(404);
  });

  it('fits every screen into 375 px without a page-wide horizontal scroll', async () => {
    const tenantId = randomUUID();
    const path = `/narrow-${randomUUID()}-${'long-path-segment-'.repeat(6)}`;
    const webhook = await portal.register(tenantId, path, {
      name: 'A rather long endpoint name for a narrow screen',
    });
    const { eventId } = await portal.webhooks.triggerEvent(tenantId, 'message.sent', {
      message: { id: 'msg_narrow', body: 'x'.repeat(300) },
    });
    await waitUntilSettled(portal.t, [webhook.id]);
    const [log] = (await portal.t.as(tenantId).get(`${BASE}/${webhook.id}/logs`).expect(200)).body
      .data;

    const { page, route, screenshot } = await portal.openAs(tenantId, { viewport: 'mobile' });
    const screens: Array<[string, string, () => Promise<void>]> = [
      ['#/', 'endpoints', () => page.getByRole('table', { name: 'Endpoints' }).waitFor()],
      ['#/endpoints/new', 'form', () => page.getByLabel('message.sent', { exact: true }).waitFor()],
      [
        `#/endpoints/${webhook.id}`,
        'endpoint',
        () =>
          page.getByRole('table', { name: 'Delivery logs' }).getByRole('link').first().waitFor(),
      ],
      [
        `#/endpoints/${webhook.id}/logs/${log.id}`,
        'delivery',
        () => page.getByRole('table', { name: 'Attempts' }).waitFor(),
      ],
      [
        `#/events/${eventId}`,
        'event-lookup',
        () => page.getByRole('table', { name: 'Event deliveries' }).waitFor(),
      ],
    ];
    for (const [hash, name, shown] of screens) {
      await route(hash);
      await shown();
      const scrollWidth = await documentScrollWidth(page);
      if (scrollWidth > 375) throw new Error(`the ${name} screen is ${scrollWidth} px wide`);
      await screenshot(`mobile-${name}`);
    }
  });

  it('goes from the list to an endpoint and sends a test event by keyboard alone', async () => {
    const tenantId = randomUUID();
    const path = `/keyboard-${randomUUID()}`;
    await portal.register(tenantId, path, { name: 'Keyboard hook' });
    const { page } = await portal.openAs(tenantId);
    await page.getByRole('link', { name: 'Keyboard hook' }).waitFor();

    await tabUntil(page, 'A', 'Keyboard hook');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Keyboard hook' }).waitFor();
    // The new screen's heading has the focus, so the next Tab starts from the top of the screen.
    await eventually(async () => expect(await focused(page)).toEqual(['H1', 'Keyboard hook']));

    await page.getByRole('button', { name: 'Send test event' }).waitFor();
    await tabUntil(page, 'BUTTON', 'Send test event');
    await page.keyboard.press('Enter');
    const [request] = await portal.receiver.waitFor(1, path);
    expect(JSON.parse(request.body).type).toBe('webhook.test');
    await page
      .getByRole('status')
      .getByText(/Delivered — status code 200/)
      .waitFor();
  });
});

/** The focused element's tag and text. */
function focused(page: Page): Promise<[string, string]> {
  return page.evaluate<[string, string]>(
    '[document.activeElement?.tagName ?? "", (document.activeElement?.innerText ?? "").trim()]',
  );
}

/** Presses Tab until the element with this tag and text has the focus (at most 60 times). */
async function tabUntil(page: Page, tag: string, text: string): Promise<void> {
  for (let presses = 0; presses < 60; presses++) {
    const [focusedTag, focusedText] = await focused(page);
    if (focusedTag === tag && focusedText === text) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached the ${tag} "${text}"`);
}
