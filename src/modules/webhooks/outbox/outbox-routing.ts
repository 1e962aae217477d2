import type { OutboxEvent } from '../delivery-logs/outbox-event';
import type { FilterEnvelope } from '../routing/filter';
import type { WebhookFilters } from './webhook-filters';

/**
 * What the outbox statement needs to apply payload filters (contract §10) without evaluating
 * them in SQL: the filters this process evaluated (webhook id and stored text, so the statement
 * can tell a changed one) and, per event, the filtered webhooks that want it. A subscribed
 * webhook with a filter outside `known` makes the statement write nothing and name it (stale).
 */
export interface OutboxRouting {
  knownIds: string[];
  knownTexts: string[];
  /** Per event, in input order. */
  matched: string[][];
}

export function outboxRouting(
  events: readonly OutboxEvent[],
  filters: WebhookFilters,
): OutboxRouting {
  const knownIds: string[] = [];
  const knownTexts: string[] = [];
  const seen = new Set<string>();
  for (const { tenantId } of events) {
    if (seen.has(tenantId)) continue;
    seen.add(tenantId);
    for (const filter of filters.known(tenantId)) {
      knownIds.push(filter.webhookId);
      knownTexts.push(filter.text);
    }
  }
  const matched = events.map((event) =>
    // Parsed only for a tenant with filters: the others never pay for it.
    filters.matching(event.tenantId, () => JSON.parse(event.payload) as FilterEnvelope),
  );
  return { knownIds, knownTexts, matched };
}
