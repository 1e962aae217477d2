import { TEST_EVENT_TYPE, WILDCARD_EVENT } from './event-types';

/** Sample payload of the test event; the test route puts the webhook's own id in it. */
export const TEST_SAMPLE_PAYLOAD: Readonly<Record<string, unknown>> = Object.freeze({
  message: 'This is a test event from your webhook endpoint.',
  webhookId: '00000000-0000-0000-0000-000000000000',
});

/** The catalog entries the module itself owns; hosts cannot declare these types. */
export const WILDCARD_ENTRY = {
  type: WILDCARD_EVENT,
  category: 'all',
  description: 'Subscribes to every event type; each delivery carries its own event type.',
} as const;

export const TEST_ENTRY = {
  type: TEST_EVENT_TYPE,
  category: 'webhook',
  description: 'A test event sent manually to verify that the webhook endpoint is reachable.',
  samplePayload: TEST_SAMPLE_PAYLOAD,
} as const;
