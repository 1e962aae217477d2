import { WebhookEventType } from './event-types';

// Sample payloads share these ids, phone numbers and times, so they read as one conversation.
const IDS = {
  message: '3f6c2a1e-8b4d-4c7a-9e21-5d0b7f3a9c14',
  inboundMessage: '7a1d9e4b-2c3f-4b8e-a5d6-0f9c8b7e6a52',
  conversation: '9b2e4f6a-1c3d-4e5f-8a7b-6c5d4e3f2a10',
  contact: 'c4d8e2f1-6a5b-4c3d-9e8f-7a6b5c4d3e21',
  agent: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  previousAgent: 'b7c6d5e4-f3a2-4b1c-9d8e-7f6a5b4c3d2e',
  campaign: 'e3f4a5b6-c7d8-4e9f-a0b1-c2d3e4f5a6b7',
  flow: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
  flowRun: 'd9c8b7a6-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
  automation: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
  automationRun: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
  template: '8c7d6e5f-4a3b-4c2d-9e1f-0a9b8c7d6e5f',
} as const;

const BUSINESS_PHONE = '+15550100001';
const CONTACT_PHONE = '+15550123456';

const TS = {
  created: '2026-01-15T10:30:00.000Z',
  sent: '2026-01-15T10:30:01.000Z',
  delivered: '2026-01-15T10:30:03.000Z',
  read: '2026-01-15T10:31:12.000Z',
  updated: '2026-01-15T10:45:00.000Z',
  resolved: '2026-01-15T11:05:00.000Z',
  closed: '2026-01-15T11:30:00.000Z',
  completed: '2026-01-15T12:10:00.000Z',
} as const;

const outboundMessage = (
  status: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  id: IDS.message,
  conversationId: IDS.conversation,
  contactId: IDS.contact,
  channel: 'whatsapp',
  direction: 'outbound',
  from: BUSINESS_PHONE,
  to: CONTACT_PHONE,
  type: 'text',
  body: 'Hi Maria, your order #10482 has shipped and will arrive on Friday.',
  status,
  createdAt: TS.created,
  sentAt: TS.sent,
  ...extra,
});

const contact = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: IDS.contact,
  name: 'Maria Lopez',
  phone: CONTACT_PHONE,
  email: 'maria.lopez@example.com',
  tags: ['customer', 'vip'],
  attributes: { city: 'Austin', plan: 'premium' },
  createdAt: TS.created,
  ...extra,
});

const conversation = (
  status: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  id: IDS.conversation,
  contactId: IDS.contact,
  channel: 'whatsapp',
  status,
  assigneeId: null,
  lastMessageAt: TS.created,
  createdAt: TS.created,
  updatedAt: TS.created,
  ...extra,
});

const campaign = (
  status: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  id: IDS.campaign,
  name: 'January Winter Sale',
  status,
  templateName: 'winter_sale_2026',
  recipients: ['+14155550101', '+14155550102', '+14155550103'],
  recipientCount: 3,
  sentCount: 0,
  failedCount: 0,
  startedAt: TS.created,
  completedAt: null,
  ...extra,
});

const flow = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: IDS.flow,
  name: 'Order Status Bot',
  version: 3,
  ...extra,
});

const automation = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: IDS.automation,
  name: 'Tag VIP on keyword',
  trigger: 'message.new',
  ...extra,
});

const template = (
  status: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  id: IDS.template,
  name: 'order_shipped',
  language: 'en_US',
  category: 'UTILITY',
  status,
  body: 'Hi {{1}}, your order {{2}} has shipped and will arrive on {{3}}.',
  updatedAt: TS.updated,
  ...extra,
});

/** Description and sample payload of every event type: what the catalog shows and test sends use. */
export const EVENT_DEFINITIONS: Record<
  WebhookEventType,
  { description: string; samplePayload: Record<string, unknown> }
> = {
  'message.new': {
    description: 'A new inbound message was received from a contact.',
    samplePayload: {
      message: {
        id: IDS.inboundMessage,
        conversationId: IDS.conversation,
        contactId: IDS.contact,
        channel: 'whatsapp',
        direction: 'inbound',
        from: CONTACT_PHONE,
        to: BUSINESS_PHONE,
        type: 'text',
        body: 'Hi, where is my order #10482?',
        status: 'received',
        createdAt: TS.created,
        receivedAt: TS.created,
      },
    },
  },
  'message.sent': {
    description: 'An outbound message was sent to a contact.',
    samplePayload: { message: outboundMessage('sent') },
  },
  'message.delivered': {
    description: "An outbound message was delivered to the contact's device.",
    samplePayload: {
      message: outboundMessage('delivered', { deliveredAt: TS.delivered }),
    },
  },
  'message.read': {
    description: 'An outbound message was read by the contact.',
    samplePayload: {
      message: outboundMessage('read', {
        deliveredAt: TS.delivered,
        readAt: TS.read,
      }),
    },
  },
  'message.failed': {
    description: 'An outbound message could not be delivered to the contact.',
    samplePayload: {
      message: outboundMessage('failed', { failedAt: TS.delivered }),
      error: {
        code: '131026',
        message: 'Message undeliverable: the recipient is not a valid WhatsApp user.',
      },
    },
  },
  'conversation.created': {
    description: 'A new conversation was started with a contact.',
    samplePayload: { conversation: conversation('open') },
  },
  'conversation.updated': {
    description: 'A conversation was updated, for example its status, labels or priority.',
    samplePayload: {
      conversation: conversation('open', {
        priority: 'high',
        labels: ['shipping'],
        updatedAt: TS.updated,
      }),
      changes: {
        priority: { from: 'normal', to: 'high' },
        labels: { from: [], to: ['shipping'] },
      },
    },
  },
  'conversation.assigned': {
    description: 'A conversation was assigned to an agent.',
    samplePayload: {
      conversation: conversation('open', {
        assigneeId: IDS.agent,
        updatedAt: TS.updated,
      }),
      assignee: {
        id: IDS.agent,
        name: 'Daniel Kim',
        email: 'daniel.kim@example.com',
      },
      previousAssigneeId: IDS.previousAgent,
    },
  },
  'conversation.resolved': {
    description: 'A conversation was marked as resolved.',
    samplePayload: {
      conversation: conversation('resolved', {
        assigneeId: IDS.agent,
        resolvedAt: TS.resolved,
        updatedAt: TS.resolved,
      }),
      resolvedBy: IDS.agent,
    },
  },
  'conversation.closed': {
    description: 'A conversation was closed and no longer accepts agent replies.',
    samplePayload: {
      conversation: conversation('closed', {
        assigneeId: IDS.agent,
        resolvedAt: TS.resolved,
        closedAt: TS.closed,
        updatedAt: TS.closed,
      }),
      reason: 'resolved_inactive',
    },
  },
  'contact.created': {
    description: 'A new contact was added.',
    samplePayload: { contact: contact() },
  },
  'contact.updated': {
    description: "A contact's details, tags or attributes were changed.",
    samplePayload: {
      contact: contact({
        email: 'maria@lopez-family.com',
        tags: ['customer', 'vip', 'wholesale'],
        updatedAt: TS.updated,
      }),
      changes: {
        email: { from: 'maria.lopez@example.com', to: 'maria@lopez-family.com' },
        tags: { from: ['customer', 'vip'], to: ['customer', 'vip', 'wholesale'] },
      },
    },
  },
  'campaign.started': {
    description: 'A broadcast campaign started sending messages.',
    samplePayload: { campaign: campaign('running') },
  },
  'campaign.completed': {
    description: 'A broadcast campaign finished sending to all recipients.',
    samplePayload: {
      campaign: campaign('completed', {
        sentCount: 3,
        failedCount: 0,
        completedAt: TS.completed,
      }),
    },
  },
  'campaign.failed': {
    description: 'A broadcast campaign stopped because of an error.',
    samplePayload: {
      campaign: campaign('failed', {
        sentCount: 1,
        failedCount: 2,
        completedAt: TS.updated,
      }),
      error: {
        code: 'TEMPLATE_PAUSED',
        message: 'The message template was paused by WhatsApp due to low quality.',
      },
    },
  },
  'flow.started': {
    description: 'A chatbot flow started running for a contact.',
    samplePayload: {
      flow: flow(),
      runId: IDS.flowRun,
      contactId: IDS.contact,
      conversationId: IDS.conversation,
      trigger: 'keyword',
      startedAt: TS.created,
    },
  },
  'flow.completed': {
    description: 'A chatbot flow finished running for a contact.',
    samplePayload: {
      flow: flow(),
      runId: IDS.flowRun,
      contactId: IDS.contact,
      conversationId: IDS.conversation,
      variables: { orderNumber: '10482', orderStatus: 'shipped' },
      startedAt: TS.created,
      completedAt: TS.read,
    },
  },
  'flow.failed': {
    description: 'A chatbot flow stopped because of an error.',
    samplePayload: {
      flow: flow(),
      runId: IDS.flowRun,
      contactId: IDS.contact,
      conversationId: IDS.conversation,
      failedStep: 'lookup_order',
      error: {
        code: 'HTTP_REQUEST_FAILED',
        message: 'The order lookup request returned status 503.',
      },
      startedAt: TS.created,
      failedAt: TS.sent,
    },
  },
  'automation.triggered': {
    description: 'An automation rule was triggered by an event.',
    samplePayload: {
      automation: automation(),
      runId: IDS.automationRun,
      contactId: IDS.contact,
      conversationId: IDS.conversation,
      triggeredBy: { type: 'message.new', id: IDS.inboundMessage },
      triggeredAt: TS.created,
    },
  },
  'automation.completed': {
    description: 'An automation rule finished running all of its actions.',
    samplePayload: {
      automation: automation(),
      runId: IDS.automationRun,
      contactId: IDS.contact,
      conversationId: IDS.conversation,
      actions: [
        { type: 'add_tag', status: 'succeeded', value: 'vip' },
        { type: 'assign_conversation', status: 'succeeded', value: IDS.agent },
      ],
      triggeredAt: TS.created,
      completedAt: TS.sent,
    },
  },
  'template.approved': {
    description: 'A message template was approved by WhatsApp and can now be used.',
    samplePayload: { template: template('approved') },
  },
  'template.rejected': {
    description: 'A message template was rejected by WhatsApp.',
    samplePayload: {
      template: template('rejected'),
      reason: 'INVALID_FORMAT: variable parameters must not be adjacent.',
    },
  },
};

/** Sample payload of the test event; the test route puts the webhook's own id in it. */
export const TEST_SAMPLE_PAYLOAD: Record<string, unknown> = {
  message: 'This is a test event from your webhook endpoint.',
  webhookId: '00000000-0000-0000-0000-000000000000',
};
