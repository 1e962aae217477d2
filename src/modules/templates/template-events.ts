import type { WebhookEventDefinition } from '../webhooks';
import { SAMPLE_IDS, SAMPLE_TIMES } from '../../common/sample-values';

// The compiler learns the template.* types, so a typo in triggerEvent does not compile.
declare module '../webhooks' {
  interface WebhookEventPayloads {
    'template.approved': Record<string, unknown>;
    'template.rejected': Record<string, unknown>;
  }
}

const template = (
  status: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  id: SAMPLE_IDS.template,
  name: 'order_shipped',
  language: 'en_US',
  category: 'UTILITY',
  status,
  body: 'Hi {{1}}, your order {{2}} has shipped and will arrive on {{3}}.',
  updatedAt: SAMPLE_TIMES.updated,
  ...extra,
});

/** The template.* events of the catalog, with the description and sample `data` tenants see. */
export const TEMPLATE_EVENTS: WebhookEventDefinition[] = [
  {
    type: 'template.approved',
    category: 'template',
    description: 'A message template was approved by WhatsApp and can now be used.',
    samplePayload: { template: template('approved') },
  },
  {
    type: 'template.rejected',
    category: 'template',
    description: 'A message template was rejected by WhatsApp.',
    samplePayload: {
      template: template('rejected'),
      reason: 'INVALID_FORMAT: variable parameters must not be adjacent.',
    },
  },
];
