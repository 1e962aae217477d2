import { randomUUID } from 'node:crypto';
import { Page } from 'playwright-core';
import { WebhooksConfig } from '../src/modules/webhooks/options/webhooks-config';
import { mintPortalToken } from '../src/modules/webhooks/portal/portal-token';
import { WEBHOOKS_BASE as BASE } from './helpers/delivery-harness';
import { eventually, PortalPage, usePortalBrowser, WATCH_CSP } from './helpers/portal-browser';
import { waitUntilSettled } from './helpers/waiting';

const EXPIRED = 'This portal session has expired or is invalid. Ask for a new link.';
/** Every control a read-only session would be refused (contract §9's names, and the toggles). */
const CHANGING_BUTTONS = [
  'Add endpoint',
  'Save',
  'Delete endpoint',
  'Send test event',
  'Retry',
  'Reveal secret',
  'Rotate secret',
  'Recover failed',
];

describe('Tenant portal: sessions, isolation and page security, in a real browser (e2e)', () => {
  jest.setTimeout(30_000);
  const portal = usePortalBrowser();

  /** A tenant with one webhook and one finished delivery to it. */
  async function tenantWithDelivery(name: string, receiverBody?: string) {
    const tenantId = randomUUID();
    const path = `/security-${randomUUID()}`;
    if (receiverBody !== undefined) {
      portal.receiver.script(path, {
        status: 200,
        body: receiverBody,
        headers: { 'content-type': 'text/html' },
      });
    }
    const webhook = await portal.register(tenantId, path, { name });
    const { eventId } = await portal.webhooks.triggerEvent(tenantId, 'message.sent', {
      message: { id: 'msg_security' },
    });
    await waitUntilSettled(portal.t, [webhook.id]);
    const [log] = (await portal.t.as(tenantId).get(`${BASE}/${webhook.id}/logs`).expect(200)).body
      .data;
    return { tenantId, path, webhook, eventId, logId: log.id as string };
  }

  /** The screens of one tenant, each with what shows it has loaded its data. */
  function screensOf(page: Page, t: Awaited<ReturnType<typeof tenantWithDelivery>>) {
    return [
      {
        hash: '#/',
        loaded: () => page.getByRole('table', { name: 'Endpoints' }).getByRole('link').waitFor(),
      },
      {
        hash: `#/endpoints/${t.webhook.id}`,
        loaded: () =>
          page.getByRole('table', { name: 'Delivery logs' }).getByRole('link').first().waitFor(),
      },
      {
        hash: `#/endpoints/${t.webhook.id}/logs/${t.logId}`,
        loaded: () => page.getByRole('table', { name: 'Attempts' }).waitFor(),
      },
      {
        hash: `#/events/${t.eventId}`,
        loaded: () => page.getByRole('table', { name: 'Event deliveries' }).waitFor(),
      },
    ];
  }

  /** How many controls that change something the screen shows, by name. */
  async function changingControls(page: Page): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const name of CHANGING_BUTTONS) {
      counts[name] = await page.getByRole('button', { name, exact: true }).count();
    }
    counts.toggles = await page.getByRole('button', { name: /^(Enable|Disable) / }).count();
    counts['Edit endpoint'] = await page.getByRole('link', { name: 'Edit endpoint' }).count();
    return counts;
  }
  const none = Object.fromEntries(
    [...CHANGING_BUTTONS, 'toggles', 'Edit endpoint'].map((name) => [name, 0]),
  );

  it('shows a read-only session every screen with its data and none of the controls it would be refused', async () => {
    const t = await tenantWithDelivery('Read-only hook');
    const full = await portal.openAs(t.tenantId, { hash: `#/endpoints/${t.webhook.id}` });
    await screensOf(full.page, t)[1].loaded();
    // The same screen of a full session has them: the count below is not zero by accident.
    expect(await changingControls(full.page)).toMatchObject({
      'Send test event': 1,
      'Reveal secret': 1,
      'Rotate secret': 1,
      'Recover failed': 1,
      'Delete endpoint': 1,
      'Edit endpoint': 1,
    });

    const { page, route, screenshot } = await portal.openAs(t.tenantId, { readOnly: true });
    await page.getByText('Read-only session').waitFor();
    for (const screen of screensOf(page, t)) {
      await route(screen.hash);
      await screen.loaded();
      expect({ screen: screen.hash, ...(await changingControls(page)) }).toEqual({
        screen: screen.hash,
        ...none,
      });
      if (screen.hash === `#/endpoints/${t.webhook.id}`) {
        // Reads still work: the masked secret, the stats and the logs are there.
        await page.getByText(/^whsec_…/).waitFor();
        await page.getByRole('img', { name: 'Deliveries in the last 24 hours' }).waitFor();
        await screenshot('read-only');
      }
    }
    for (const hash of ['#/endpoints/new', `#/endpoints/${t.webhook.id}/edit`]) {
      await route(hash);
      await page.getByText('This is a read-only session').waitFor();
      expect(await changingControls(page)).toEqual(none);
      expect(await page.getByRole('textbox').count()).toBe(0);
    }
  });

  it('shows an expired session only the expiry message, and no data', async () => {
    const tenantId = randomUUID();
    await portal.register(tenantId, `/expired-${randomUUID()}`, { name: 'Hidden when expired' });
    const token = mintPortalToken(portal.t.app.get(WebhooksConfig).secretEncryptionKey, {
      tenantId,
      expiresAt: new Date(Date.now() - 60_000),
    });
    const { page, screenshot } = await portal.open(`${portal.baseUrl}/portal#token=${token}`, {
      refusedStatuses: [401],
    });
    await page.getByRole('alert').getByText(EXPIRED).waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
    expect(await page.getByRole('navigation').count()).toBe(0);
    expect(await page.getByText('Hidden when expired').count()).toBe(0);
    // The token left the address bar and the tab's storage.
    expect(new URL(page.url()).hash).toBe('#/');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await screenshot('expired');
  });

  it('answers a tampered token and a missing one with a message, and no data', async () => {
    const { url } = await portal.session(randomUUID());
    // The last two characters of the signature, each replaced by another one.
    const other = (char: string) => (char === 'A' ? 'B' : 'A');
    const forged = url.slice(0, -2) + other(url.at(-2)!) + other(url.at(-1)!);
    const tampered = await portal.open(forged, { refusedStatuses: [401] });
    await tampered.page.getByRole('alert').getByText(EXPIRED).waitFor();
    expect(await tampered.page.getByRole('table').count()).toBe(0);

    const bare = await portal.open(`${portal.baseUrl}/portal`);
    await bare.page.getByRole('alert').getByText('Ask for a new link.').waitFor();
    expect(await bare.page.getByRole('navigation').count()).toBe(0);
  });

  it('shows a second tenant none of the first tenant’s endpoints, and “not found” at their addresses', async () => {
    const first = await tenantWithDelivery('First tenant’s private hook');
    const { page, route } = await portal.openAs(randomUUID(), { refusedStatuses: [404] });
    await page.getByText('No endpoints yet.').waitFor();
    const leaked = async () => ({
      name: await page.getByText('First tenant’s private hook').count(),
      url: await page.getByText(first.path).count(),
      tables: await page
        .getByRole('table', { name: /Delivery logs|Attempts|Event deliveries/ })
        .count(),
    });

    await route(`#/endpoints/${first.webhook.id}`);
    await page.getByRole('alert').getByText('Webhook not found').waitFor();
    expect(await leaked()).toEqual({ name: 0, url: 0, tables: 0 });

    await route(`#/endpoints/${first.webhook.id}/logs/${first.logId}`);
    await page.getByRole('heading', { level: 1, name: 'Delivery' }).waitFor();
    await page
      .getByRole('alert')
      .getByText(/not found/)
      .waitFor();
    expect(await leaked()).toEqual({ name: 0, url: 0, tables: 0 });
    expect(await page.locator('pre').count()).toBe(0);

    await route(`#/events/${first.eventId}`);
    await page.getByRole('alert').getByText(`No event with the ID ${first.eventId}.`).waitFor();
    expect(await leaked()).toEqual({ name: 0, url: 0, tables: 0 });
    // Its recent events are its own: none.
    await page.getByText('No events yet.').waitFor();

    // Addresses anyone can craft: a malformed escape, a path step.
    for (const address of ['#/endpoints/%E0', '#/endpoints/..', `#/endpoints/../webhooks`]) {
      await route(address);
      await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    }
  });

  it('shows markup in names and response bodies as text and never runs it', async () => {
    const name = '<img src=x onerror="window.__xss=1">';
    const body = '<script>window.__xss=1</script>';
    const t = await tenantWithDelivery(name, body);
    const { page, route } = await portal.openAs(t.tenantId);
    const xss = () => page.evaluate('typeof window.__xss');

    await page.getByRole('link', { name, exact: true }).waitFor();
    expect(await page.getByRole('table', { name: 'Endpoints' }).getByRole('link').innerText()).toBe(
      name,
    );
    await route(`#/endpoints/${t.webhook.id}`);
    await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
    await route(`#/endpoints/${t.webhook.id}/logs/${t.logId}`);
    const response = page.locator('pre.code').last();
    await eventually(async () => expect(await response.innerText()).toBe(body));
    await route(`#/events/${t.eventId}`);
    await page
      .getByRole('table', { name: 'Event deliveries' })
      .getByRole('link', { name })
      .waitFor();

    expect(await xss()).toBe('undefined');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script:not([src])').count()).toBe(0);
  });

  it('serves the page with a strict Content-Security-Policy and no screen violates it', async () => {
    const t = await tenantWithDelivery('CSP hook');
    const { url } = await portal.session(t.tenantId);
    const portalPage = await portal.open(url);
    const [document] = await Promise.all([
      portalPage.page.waitForResponse((res) => new URL(res.url()).pathname === '/portal'),
      portalPage.page.reload(),
    ]);
    const csp = document.headers()['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');

    await visitEverything(portalPage, t);
    expect(await portalPage.problems()).toEqual([]);
  });

  it('would see a CSP violation: an inline script the policy blocks is reported', async () => {
    const { url } = await portal.session(randomUUID());
    const context = await portal.browser.newContext();
    try {
      await context.addInitScript(WATCH_CSP);
      const page = await context.newPage();
      await page.goto(url);
      await page.getByRole('navigation', { name: 'Portal' }).waitFor();
      await page.evaluate(`{
        const script = document.createElement('script');
        script.textContent = 'window.__inline = 1';
        document.body.append(script);
      }`);
      await eventually(async () =>
        expect(await page.evaluate('window.__cspViolations')).toEqual(['script-src-elem inline']),
      );
      expect(await page.evaluate('typeof window.__inline')).toBe('undefined');
    } finally {
      await context.close();
    }
  });

  /** Every screen with data, and the form, in one tab. */
  async function visitEverything(
    { page, route }: PortalPage,
    t: Awaited<ReturnType<typeof tenantWithDelivery>>,
  ) {
    for (const screen of screensOf(page, t)) {
      await route(screen.hash);
      await screen.loaded();
    }
    await route('#/endpoints/new');
    await page.getByLabel('message.sent', { exact: true }).waitFor();
    await route(`#/endpoints/${t.webhook.id}/edit`);
    await page.getByLabel('Name', { exact: true }).waitFor();
  }
});
