import { DomainError } from '../support/domain-error';

/**
 * A webhook's stored secret does not decrypt with the configured keys (a key left out of the
 * configuration, or an altered value). Answered 409: the webhook exists but its secret cannot be
 * shown until the key is configured again or the secret is replaced by a rotation.
 */
export class WebhookSecretUnreadableError extends DomainError {
  readonly kind = 'conflict';

  constructor(readonly webhookId: string) {
    super(
      'The secret of this webhook cannot be decrypted with the keys the server is configured ' +
        'with; rotate it with gracePeriodHours 0 to replace it',
    );
  }
}
