import { DomainError } from '../../support/domain-error';

/** A payload filter that cannot be saved; `problems` names each offending place (`filter.…: …`). */
export class InvalidFilterError extends DomainError {
  readonly kind = 'invalid';

  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
  }
}
