import { createHmac, randomUUID } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { WebhooksService } from '../src/modules/webhooks/webhooks.service';
import {
  DeliveryPipeline,
  startDeliveryPipeline,
  WEBHOOKS_BASE as BASE,
} from './helpers/delivery-harness';
import { TestReceiver } from './helpers/receiver';
import { TestApp } from './helpers/test-app';

/** Slack and Discord bodies (contract §10): rendered from the template, signed as sent. */
describe('Delivery formats (e2e)', () => {
  let pipeline: DeliveryPipeline;
  let t: TestApp;
  let receiver: TestReceiver;
  let webhooks: WebhooksService;

  beforeAll(async () => {
    pipeline = await startDeliveryPipeline();
    ({ t, receiver, webhooks } = pipeline);
  });
  afterAll(() => pipeline.close());

  /** The §5 headers are kept, and both signatures are over the body actually sent. */
  function expectSignedAsSent(
    request: TestReceiver['requests'][number],
    secret: string,
    eventId: string,
  ): void {
    const headers = request.headers;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-id']).toBe(eventId);
    expect(headers['x-webhook-event']).toBe('message.sent');
    expect(() =>
      new StandardWebhook(secret).verify(request.body, {
        'webhook-id': headers['webhook-id'] as string,
        'webhook-timestamp': headers['webhook-timestamp'] as string,
        'webhook-signature': headers['webhook-signature'] as string,
      }),
    ).not.toThrow();
    const simple = createHmac('sha256', secret).update(request.body).digest('hex');
    expect(headers['x-webhook-signature']).toBe(`sha256=${simple}`);
  }

  it('sends slack {"text"} rendered from the template, missing paths empty', async () => {
    const tenantId = randomUUID();
    const path = `/slack-${randomUUID()}`;
    const webhook = await pipeline.register(tenantId, path, {
      format: 'slack',
      template: '[{{type}}] message to {{data.message.to}}{{data.message.missing}}',
    });
    const { eventId } = await webhooks.triggerEvent(tenantId, 'message.sent', {
      message: { id: 'm1', to: '+15550100' },
    });
    const [request] = await receiver.waitFor(1, path);
    expect(request.body).toBe('{"text":"[message.sent] message to +15550100"}');
    expectSignedAsSent(request, webhook.secret, eventId);
  });

  it('sends discord {"content"} with the default template', async () => {
    const tenantId = randomUUID();
    const path = `/discord-${randomUUID()}`;
    const webhook = await pipeline.register(tenantId, path, { format: 'discord' });
    const { eventId } = await webhooks.triggerEvent(tenantId, 'message.sent', {
      message: { id: 'm2' },
    });
    const [request] = await receiver.waitFor(1, path);
    expect(request.body).toBe(JSON.stringify({ content: `[message.sent] ${eventId}` }));
    expectSignedAsSent(request, webhook.secret, eventId);
  });

  it('keeps the stored envelope in the log, whatever the format', async () => {
    const tenantId = randomUUID();
    const path = `/kept-${randomUUID()}`;
    const webhook = await pipeline.register(tenantId, path, { format: 'slack' });
    await webhooks.triggerEvent(tenantId, 'message.sent', { message: { id: 'm3' } });
    const [log] = (await pipeline.finalLogs(tenantId, webhook.id)).data;
    const detail = await t.as(tenantId).get(`${BASE}/${webhook.id}/logs/${log.id}`).expect(200);
    expect(detail.body.payload).toMatchObject({
      type: 'message.sent',
      data: { message: { id: 'm3' } },
    });
  });
});
