import type { WebhookEventDefinition } from '../webhooks';
import {
  BUSINESS_PHONE,
  CONTACT_PHONE,
  SAMPLE_IDS,
  SAMPLE_TIMES,
} from '../../common/sample-values';

// The compiler learns the message.* types, so a typo in triggerEvent does not compile.
declare module '../webhooks' {
  interface WebhookEventPayloads {
    'message.new': Record<string, unknown>;
    'message.sent': Record<string, unknown>;
    'message.delivered': Record<string, unknown>;
    'message.read': Record<string, unknown>;
    'message.failed': Record<string, unknown>;
  }
}

const outboundMessage = (
  status: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  id: SAMPLE_IDS.message,
  conversationId: SAMPLE_IDS.conversation,
  contactId: SAMPLE_IDS.contact,
  channel: 'whatsapp',
  direction: 'outbound',
  from: BUSINESS_PHONE,
  to: CONTACT_PHONE,
  type: 'text',
  body: 'Hi Maria, your order #10482 has shipped and will arrive on Friday.',
  status,
  createdAt: SAMPLE_TIMES.created,
  sentAt: SAMPLE_TIMES.sent,
  ...extra,
});

/** The message.* events of the catalog, with the description and sample `data` tenants see. */
export const MESSAGE_EVENTS: WebhookEventDefinition[] = [
  {
    type: 'message.new',
    category: 'message',
    description: 'A new inbound message was received from a contact.',
    samplePayload: {
      message: {
        id: SAMPLE_IDS.inboundMessage,
        conversationId: SAMPLE_IDS.conversation,
        contactId: SAMPLE_IDS.contact,
        channel: 'whatsapp',
        direction: 'inbound',
        from: CONTACT_PHONE,
        to: BUSINESS_PHONE,
        type: 'text',
        body: 'Hi, where is my order #10482?',
        status: 'received',
        createdAt: SAMPLE_TIMES.created,
        receivedAt: SAMPLE_TIMES.created,
      },
    },
  },
  {
    type: 'message.sent',
    category: 'message',
    description: 'An outbound message was sent to a contact.',
    samplePayload: { message: outboundMessage('sent') },
  },
  {
    type: 'message.delivered',
    category: 'message',
    description: "An outbound message was delivered to the contact's device.",
    samplePayload: {
      message: outboundMessage('delivered', { deliveredAt: SAMPLE_TIMES.delivered }),
    },
  },
  {
    type: 'message.read',
    category: 'message',
    description: 'An outbound message was read by the contact.',
    samplePayload: {
      message: outboundMessage('read', {
        deliveredAt: SAMPLE_TIMES.delivered,
        readAt: SAMPLE_TIMES.read,
      }),
    },
  },
  {
    type: 'message.failed',
    category: 'message',
    description: 'An outbound message could not be delivered to the contact.',
    samplePayload: {
      message: outboundMessage('failed', { failedAt: SAMPLE_TIMES.delivered }),
      error: {
        code: '131026',
        message: 'Message undeliverable: the recipient is not a valid WhatsApp user.',
      },
    },
  },
];
