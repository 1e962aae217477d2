/** One event to write to the outbox: each subscribed active webhook gets a pending row. */
export interface OutboxEvent {
  /** Normalized (normalizeTenantId): compared exactly, as Postgres stores it. */
  tenantId: string;
  eventId: string;
  eventType: string;
  /** The serialized envelope, sent as the request body. */
  payload: string;
  /** The webhook subscriptions that match the event (exact, `category.*`, `*`). */
  patterns: string[];
  /**
   * Internal: a webhook that gets no row for this event. An operational event about a webhook
   * never goes to that webhook itself.
   */
  excludeWebhookId?: string;
}
