import type { WebhookEventDefinition } from '../webhooks';
import { SAMPLE_IDS, SAMPLE_TIMES } from '../../common/sample-values';

// The compiler learns the automation.* types, so a typo in triggerEvent does not compile.
declare module '../webhooks' {
  interface WebhookEventPayloads {
    'automation.triggered': Record<string, unknown>;
    'automation.completed': Record<string, unknown>;
  }
}

const automation = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: SAMPLE_IDS.automation,
  name: 'Tag VIP on keyword',
  trigger: 'message.new',
  ...extra,
});

/** The automation.* events of the catalog, with the description and sample `data` tenants see. */
export const AUTOMATION_EVENTS: WebhookEventDefinition[] = [
  {
    type: 'automation.triggered',
    category: 'automation',
    description: 'An automation rule was triggered by an event.',
    samplePayload: {
      automation: automation(),
      runId: SAMPLE_IDS.automationRun,
      contactId: SAMPLE_IDS.contact,
      conversationId: SAMPLE_IDS.conversation,
      triggeredBy: { type: 'message.new', id: SAMPLE_IDS.inboundMessage },
      triggeredAt: SAMPLE_TIMES.created,
    },
  },
  {
    type: 'automation.completed',
    category: 'automation',
    description: 'An automation rule finished running all of its actions.',
    samplePayload: {
      automation: automation(),
      runId: SAMPLE_IDS.automationRun,
      contactId: SAMPLE_IDS.contact,
      conversationId: SAMPLE_IDS.conversation,
      actions: [
        { type: 'add_tag', status: 'succeeded', value: 'vip' },
        { type: 'assign_conversation', status: 'succeeded', value: SAMPLE_IDS.agent },
      ],
      triggeredAt: SAMPLE_TIMES.created,
      completedAt: SAMPLE_TIMES.sent,
    },
  },
];
