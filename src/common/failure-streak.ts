import { Logger } from '@nestjs/common';

/**
 * Logs a recurring failure (a relay pass, an enqueue) once when it starts failing and once
 * when it works again: during an outage every retry fails the same way, and each is not news.
 */
export class FailureStreak {
  private since: number | null = null;
  private failures = 0;

  constructor(
    private readonly what: string,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  failed(error: Error): void {
    this.failures += 1;
    if (this.since !== null) return;
    this.since = this.now();
    this.logger.warn(`${this.what} failing: ${error.message}`);
  }

  succeeded(): void {
    if (this.since === null) return;
    const ms = this.now() - this.since;
    this.logger.log(`${this.what} working again after ${ms} ms (${this.failures} failed)`);
    this.since = null;
    this.failures = 0;
  }
}
