import { TEST_EVENT_TYPE, WILDCARD_EVENT } from './event-types';

/** Sample payload of the test event; the test route puts the webhook's own id in it. */
export const TEST_SAMPLE_PAYLOAD: Readonly<Record<string, unknown>> = Object.freeze({
  message: 'This is a test event from your webhook endpoint.',
  webhookId: '00000000-0000-0000-0000-000000000000',
});

/** The category of the module's own event types; hosts may not declare types in it. */
export const MODULE_CATEGORY = 'webhook';

/** Raised by the module when it disables a webhook (auto-disable rule, 410 Gone). */
export const WEBHOOK_DISABLED_EVENT = 'webhook.disabled';

/** Raised by the module when a delivery ends failed after its attempts. */
export const DELIVERY_FAILED_EVENT = 'webhook.delivery_failed';

/** The catalog entries the module itself owns; hosts cannot declare these types. */
export const WILDCARD_ENTRY = {
  type: WILDCARD_EVENT,
  category: 'all',
  description: 'Subscribes to every event type; each delivery carries its own event type.',
} as const;

export const TEST_ENTRY = {
  type: TEST_EVENT_TYPE,
  category: MODULE_CATEGORY,
  description: 'A test event sent manually to verify that the webhook endpoint is reachable.',
  samplePayload: TEST_SAMPLE_PAYLOAD,
} as const;

/**
 * The operational events: the module raises them about one of a tenant's webhooks and delivers
 * them to the tenant's other webhooks that subscribe (exactly, with `webhook.*` or with `*`),
 * never to the webhook they are about.
 */
export const OPERATIONAL_ENTRIES = Object.freeze([
  Object.freeze({
    type: WEBHOOK_DISABLED_EVENT,
    category: MODULE_CATEGORY,
    description:
      'A webhook endpoint was disabled by the service: it answered 410 Gone, or its deliveries kept failing; it receives nothing until it is re-enabled.',
    samplePayload: Object.freeze({
      webhookId: '5b0c7e2a-9d41-4f38-b6a2-1e8f3c9d7a64',
      name: 'CRM sync',
      url: 'https://crm.example.com/hooks/whatsapp',
      reason: '20 consecutive failed deliveries since 2026-03-14T09:30:12.000Z',
    }),
  }),
  Object.freeze({
    type: DELIVERY_FAILED_EVENT,
    category: MODULE_CATEGORY,
    description:
      'A delivery to a webhook endpoint failed after all of its attempts and will not be retried unless it is re-sent.',
    samplePayload: Object.freeze({
      webhookId: '5b0c7e2a-9d41-4f38-b6a2-1e8f3c9d7a64',
      logId: 'c3f1a9e0-6b2d-4d7e-8a15-0f9b4e6c2d31',
      eventId: 'evt_8e4f2a6c1b9d4e07a3c5f1d2b6e8a904',
      eventType: 'message.sent',
      attemptCount: 3,
      lastError: 'HTTP 503',
    }),
  }),
]);

export type OperationalEventType = typeof WEBHOOK_DISABLED_EVENT | typeof DELIVERY_FAILED_EVENT;

/** `type` is one of the operational events, which only the module raises. */
export const isOperationalEventType = (type: unknown): type is OperationalEventType =>
  type === WEBHOOK_DISABLED_EVENT || type === DELIVERY_FAILED_EVENT;
