/** triggerEvent was called with something that can never be delivered; nothing was written. */
export class InvalidWebhookEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidWebhookEventError';
  }
}
