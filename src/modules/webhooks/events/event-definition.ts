/** One event type a module can emit, as the catalog (GET /webhooks/events) shows it. */
export interface WebhookEventDefinition {
  /** `<category>.<name>`, lower case: `invoice.paid`. */
  type: string;
  /** Groups the type in the catalog and in `<category>.*` subscriptions. */
  category: string;
  description: string;
  /** What `data` looks like; sent by the test route and shown to tenants. */
  samplePayload: Record<string, unknown>;
}
