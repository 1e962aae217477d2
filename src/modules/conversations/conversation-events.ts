import type { WebhookEventDefinition } from '../webhooks';
import { SAMPLE_IDS, SAMPLE_TIMES } from '../../common/sample-values';

// The compiler learns the conversation.* types, so a typo in triggerEvent does not compile.
declare module '../webhooks' {
  interface WebhookEventPayloads {
    'conversation.created': Record<string, unknown>;
    'conversation.updated': Record<string, unknown>;
    'conversation.assigned': Record<string, unknown>;
    'conversation.resolved': Record<string, unknown>;
    'conversation.closed': Record<string, unknown>;
  }
}

const conversation = (
  status: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  id: SAMPLE_IDS.conversation,
  contactId: SAMPLE_IDS.contact,
  channel: 'whatsapp',
  status,
  assigneeId: null,
  lastMessageAt: SAMPLE_TIMES.created,
  createdAt: SAMPLE_TIMES.created,
  updatedAt: SAMPLE_TIMES.created,
  ...extra,
});

/** The conversation.* events of the catalog, with the description and sample `data` tenants see. */
export const CONVERSATION_EVENTS: WebhookEventDefinition[] = [
  {
    type: 'conversation.created',
    category: 'conversation',
    description: 'A new conversation was started with a contact.',
    samplePayload: { conversation: conversation('open') },
  },
  {
    type: 'conversation.updated',
    category: 'conversation',
    description: 'A conversation was updated, for example its status, labels or priority.',
    samplePayload: {
      conversation: conversation('open', {
        priority: 'high',
        labels: ['shipping'],
        updatedAt: SAMPLE_TIMES.updated,
      }),
      changes: {
        priority: { from: 'normal', to: 'high' },
        labels: { from: [], to: ['shipping'] },
      },
    },
  },
  {
    type: 'conversation.assigned',
    category: 'conversation',
    description: 'A conversation was assigned to an agent.',
    samplePayload: {
      conversation: conversation('open', {
        assigneeId: SAMPLE_IDS.agent,
        updatedAt: SAMPLE_TIMES.updated,
      }),
      assignee: {
        id: SAMPLE_IDS.agent,
        name: 'Daniel Kim',
        email: 'daniel.kim@example.com',
      },
      previousAssigneeId: SAMPLE_IDS.previousAgent,
    },
  },
  {
    type: 'conversation.resolved',
    category: 'conversation',
    description: 'A conversation was marked as resolved.',
    samplePayload: {
      conversation: conversation('resolved', {
        assigneeId: SAMPLE_IDS.agent,
        resolvedAt: SAMPLE_TIMES.resolved,
        updatedAt: SAMPLE_TIMES.resolved,
      }),
      resolvedBy: SAMPLE_IDS.agent,
    },
  },
  {
    type: 'conversation.closed',
    category: 'conversation',
    description: 'A conversation was closed and no longer accepts agent replies.',
    samplePayload: {
      conversation: conversation('closed', {
        assigneeId: SAMPLE_IDS.agent,
        resolvedAt: SAMPLE_TIMES.resolved,
        closedAt: SAMPLE_TIMES.closed,
        updatedAt: SAMPLE_TIMES.closed,
      }),
      reason: 'resolved_inactive',
    },
  },
];
