/** The declared events cannot form a catalog; thrown while the app boots, so it does not start. */
export class WebhookEventCatalogError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid webhook event catalog:\n  - ${problems.join('\n  - ')}`);
    this.name = 'WebhookEventCatalogError';
  }
}
