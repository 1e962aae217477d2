/** The event types this service delivers, and the names its catalog and subscriptions use. */
export const WEBHOOK_EVENT_TYPES = [
  'message.new',
  'message.sent',
  'message.delivered',
  'message.read',
  'message.failed',
  'conversation.created',
  'conversation.updated',
  'conversation.assigned',
  'conversation.resolved',
  'conversation.closed',
  'contact.created',
  'contact.updated',
  'campaign.started',
  'campaign.completed',
  'campaign.failed',
  'flow.started',
  'flow.completed',
  'flow.failed',
  'automation.triggered',
  'automation.completed',
  'template.approved',
  'template.rejected',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WILDCARD_EVENT = '*';

export const TEST_EVENT_TYPE = 'webhook.test';

export type DeliverableEventType = WebhookEventType | typeof TEST_EVENT_TYPE;
