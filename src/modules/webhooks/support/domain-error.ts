/** What kind of mistake a DomainError reports; HttpExceptionFilter maps each kind to a status. */
export type DomainErrorKind = 'invalid' | 'conflict';

/**
 * A broken business rule rather than a broken machine: services throw it wherever they are
 * called from (a route, a job, another module), and the exception filter answers it with the
 * status of its kind, so no caller translates it by hand.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
