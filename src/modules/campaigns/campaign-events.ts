import type { WebhookEventDefinition } from '../webhooks';
import { SAMPLE_IDS, SAMPLE_TIMES } from '../../common/sample-values';

// The compiler learns the campaign.* types, so a typo in triggerEvent does not compile.
declare module '../webhooks' {
  interface WebhookEventPayloads {
    'campaign.started': Record<string, unknown>;
    'campaign.completed': Record<string, unknown>;
    'campaign.failed': Record<string, unknown>;
  }
}

const campaign = (
  status: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  id: SAMPLE_IDS.campaign,
  name: 'January Winter Sale',
  status,
  templateName: 'winter_sale_2026',
  recipients: ['+14155550101', '+14155550102', '+14155550103'],
  recipientCount: 3,
  sentCount: 0,
  failedCount: 0,
  startedAt: SAMPLE_TIMES.created,
  completedAt: null,
  ...extra,
});

/** The campaign.* events of the catalog, with the description and sample `data` tenants see. */
export const CAMPAIGN_EVENTS: WebhookEventDefinition[] = [
  {
    type: 'campaign.started',
    category: 'campaign',
    description: 'A broadcast campaign started sending messages.',
    samplePayload: { campaign: campaign('running') },
  },
  {
    type: 'campaign.completed',
    category: 'campaign',
    description: 'A broadcast campaign finished sending to all recipients.',
    samplePayload: {
      campaign: campaign('completed', {
        sentCount: 3,
        failedCount: 0,
        completedAt: SAMPLE_TIMES.completed,
      }),
    },
  },
  {
    type: 'campaign.failed',
    category: 'campaign',
    description: 'A broadcast campaign stopped because of an error.',
    samplePayload: {
      campaign: campaign('failed', {
        sentCount: 1,
        failedCount: 2,
        completedAt: SAMPLE_TIMES.updated,
      }),
      error: {
        code: 'TEMPLATE_PAUSED',
        message: 'The message template was paused by WhatsApp due to low quality.',
      },
    },
  },
];
