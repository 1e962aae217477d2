import { DomainError } from '../support/domain-error';

/** The tenant already has as many webhooks as options.maxWebhooksPerTenant allows; nothing was written. */
export class WebhookLimitError extends DomainError {
  readonly kind = 'conflict';

  constructor(readonly limit: number) {
    super(
      `A tenant can have at most ${limit} webhooks, disabled ones included; delete one to add another`,
    );
  }
}
