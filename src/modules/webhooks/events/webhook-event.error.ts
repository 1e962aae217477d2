import { DomainError } from '../support/domain-error';

/** triggerEvent was called with something that can never be delivered; nothing was written. */
export class InvalidWebhookEventError extends DomainError {
  readonly kind = 'invalid';
}
