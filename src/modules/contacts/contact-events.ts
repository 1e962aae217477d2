import type { WebhookEventDefinition } from '../webhooks';
import { CONTACT_PHONE, SAMPLE_IDS, SAMPLE_TIMES } from '../../common/sample-values';

// The compiler learns the contact.* types, so a typo in triggerEvent does not compile.
declare module '../webhooks' {
  interface WebhookEventPayloads {
    'contact.created': Record<string, unknown>;
    'contact.updated': Record<string, unknown>;
  }
}

const contact = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: SAMPLE_IDS.contact,
  name: 'Maria Lopez',
  phone: CONTACT_PHONE,
  email: 'maria.lopez@example.com',
  tags: ['customer', 'vip'],
  attributes: { city: 'Austin', plan: 'premium' },
  createdAt: SAMPLE_TIMES.created,
  ...extra,
});

/** The contact.* events of the catalog, with the description and sample `data` tenants see. */
export const CONTACT_EVENTS: WebhookEventDefinition[] = [
  {
    type: 'contact.created',
    category: 'contact',
    description: 'A new contact was added.',
    samplePayload: { contact: contact() },
  },
  {
    type: 'contact.updated',
    category: 'contact',
    description: "A contact's details, tags or attributes were changed.",
    samplePayload: {
      contact: contact({
        email: 'maria@lopez-family.com',
        tags: ['customer', 'vip', 'wholesale'],
        updatedAt: SAMPLE_TIMES.updated,
      }),
      changes: {
        email: { from: 'maria.lopez@example.com', to: 'maria@lopez-family.com' },
        tags: { from: ['customer', 'vip'], to: ['customer', 'vip', 'wholesale'] },
      },
    },
  },
];
