import { randomUUID } from 'node:crypto';
import { WebhookRegistryService } from '../src/modules/webhooks/endpoints/webhook-registry.service';
import { InvalidWebhookEventError } from '../src/modules/webhooks/events/webhook-event.error';
import { WebhooksService } from '../src/modules/webhooks/webhooks.service';
import { TestReceiver } from './helpers/receiver';
import { createTestApp, TestApp } from './helpers/test-app';
import { waitUntilSettled } from './helpers/waiting';

interface LogRow {
  webhook_id: string;
  tenant_id: string;
  event_id: string;
}

/**
 * Hosts name tenants their own way: the module takes any id of 1-255 characters, keeps it
 * exactly (case included) and lower-cases only UUIDs. The example app's HTTP auth accepts
 * UUIDs only, so these webhooks are registered through the service.
 */
describe('Tenant ids named by the host (e2e)', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let webhooks: WebhooksService;
  let registry: WebhookRegistryService;

  beforeAll(async () => {
    t = await createTestApp();
    receiver = await TestReceiver.start();
    webhooks = t.app.get(WebhooksService);
    registry = t.app.get(WebhookRegistryService);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  /** A webhook of the tenant subscribed to message.sent, delivering to its own path. */
  async function register(tenantId: string): Promise<{ id: string; path: string }> {
    const path = `/tenant-${randomUUID()}`;
    const webhook = await registry.create(tenantId, {
      name: 'Tenant ids',
      url: receiver.url(path),
      events: ['message.sent'],
    });
    return { id: webhook.id, path };
  }

  async function logsOf(webhookId: string): Promise<LogRow[]> {
    return t.dataSource.query(
      `SELECT webhook_id, tenant_id, event_id FROM webhook_logs WHERE webhook_id = $1`,
      [webhookId],
    );
  }

  it('delivers to tenants named "org_42" and with 255 characters, stored as given', async () => {
    for (const tenantId of ['org_42', `tenant:${'x'.repeat(248)}`]) {
      expect(tenantId.length).toBeLessThanOrEqual(255);
      const webhook = await register(tenantId);
      const result = await webhooks.triggerEvent(tenantId, 'message.sent', { tenant: tenantId });
      expect(result.deliveries).toBe(1);
      expect(await logsOf(webhook.id)).toEqual([
        { webhook_id: webhook.id, tenant_id: tenantId, event_id: result.eventId },
      ]);
      const [request] = await receiver.waitFor(1, webhook.path);
      expect(JSON.parse(request.body)).toMatchObject({
        id: result.eventId,
        data: { tenant: tenantId },
      });
    }
  });

  it('keeps "Org_1" and "org_1" apart, event ids included', async () => {
    const upper = await register('Org_1');
    const lower = await register('org_1');
    // The same event id for both, written concurrently: idempotency is per tenant too.
    const eventId = `order-${randomUUID()}`;
    const [forUpper, forLower] = await Promise.all([
      webhooks.triggerEvent('Org_1', 'message.sent', { tenant: 'Org_1' }, { eventId }),
      webhooks.triggerEvent('org_1', 'message.sent', { tenant: 'org_1' }, { eventId }),
    ]);
    expect([forUpper.deliveries, forLower.deliveries]).toEqual([1, 1]);
    expect(await logsOf(upper.id)).toEqual([
      { webhook_id: upper.id, tenant_id: 'Org_1', event_id: eventId },
    ]);
    expect(await logsOf(lower.id)).toEqual([
      { webhook_id: lower.id, tenant_id: 'org_1', event_id: eventId },
    ]);

    await waitUntilSettled(t, [upper.id, lower.id]);
    for (const [webhook, tenant] of [
      [upper, 'Org_1'],
      [lower, 'org_1'],
    ] as const) {
      const bodies = receiver.received(webhook.path).map((request) => JSON.parse(request.body));
      expect(bodies.map((body) => body.data)).toEqual([{ tenant }]);
    }
  });

  it('takes an upper-case UUID as the same tenant as its lower-case form', async () => {
    const tenantId = randomUUID();
    const webhook = await register(tenantId);
    const result = await webhooks.triggerEvent(tenantId.toUpperCase(), 'message.sent', {});
    expect(result.deliveries).toBe(1);
    expect(await logsOf(webhook.id)).toEqual([
      { webhook_id: webhook.id, tenant_id: tenantId, event_id: result.eventId },
    ]);
  });

  it('refuses an empty, a 256-character or a NUL-holding tenant id and writes nothing', async () => {
    const eventId = `refused-${randomUUID()}`;
    for (const tenantId of ['', 'x'.repeat(256), 'org\u0000_42']) {
      const attempt = webhooks.triggerEvent(tenantId, 'message.sent', {}, { eventId });
      await expect(attempt).rejects.toBeInstanceOf(InvalidWebhookEventError);
      await expect(
        webhooks.triggerEvent(tenantId, 'message.sent', {}, { eventId }),
      ).rejects.toThrow('tenantId must be a string of 1-255 characters without control characters');
    }
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM webhook_logs WHERE event_id = $1`,
      [eventId],
    );
    expect(n).toBe(0);
  });
});
