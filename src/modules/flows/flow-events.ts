import type { WebhookEventDefinition } from '../webhooks';
import { SAMPLE_IDS, SAMPLE_TIMES } from '../../common/sample-values';

// The compiler learns the flow.* types, so a typo in triggerEvent does not compile.
declare module '../webhooks' {
  interface WebhookEventPayloads {
    'flow.started': Record<string, unknown>;
    'flow.completed': Record<string, unknown>;
    'flow.failed': Record<string, unknown>;
  }
}

const flow = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: SAMPLE_IDS.flow,
  name: 'Order Status Bot',
  version: 3,
  ...extra,
});

/** The flow.* events of the catalog, with the description and sample `data` tenants see. */
export const FLOW_EVENTS: WebhookEventDefinition[] = [
  {
    type: 'flow.started',
    category: 'flow',
    description: 'A chatbot flow started running for a contact.',
    samplePayload: {
      flow: flow(),
      runId: SAMPLE_IDS.flowRun,
      contactId: SAMPLE_IDS.contact,
      conversationId: SAMPLE_IDS.conversation,
      trigger: 'keyword',
      startedAt: SAMPLE_TIMES.created,
    },
  },
  {
    type: 'flow.completed',
    category: 'flow',
    description: 'A chatbot flow finished running for a contact.',
    samplePayload: {
      flow: flow(),
      runId: SAMPLE_IDS.flowRun,
      contactId: SAMPLE_IDS.contact,
      conversationId: SAMPLE_IDS.conversation,
      variables: { orderNumber: '10482', orderStatus: 'shipped' },
      startedAt: SAMPLE_TIMES.created,
      completedAt: SAMPLE_TIMES.read,
    },
  },
  {
    type: 'flow.failed',
    category: 'flow',
    description: 'A chatbot flow stopped because of an error.',
    samplePayload: {
      flow: flow(),
      runId: SAMPLE_IDS.flowRun,
      contactId: SAMPLE_IDS.contact,
      conversationId: SAMPLE_IDS.conversation,
      failedStep: 'lookup_order',
      error: {
        code: 'HTTP_REQUEST_FAILED',
        message: 'The order lookup request returned status 503.',
      },
      startedAt: SAMPLE_TIMES.created,
      failedAt: SAMPLE_TIMES.sent,
    },
  },
];
