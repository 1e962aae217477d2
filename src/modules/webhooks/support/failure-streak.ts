import { Logger } from '@nestjs/common';

/** The two lines of a streak: when it starts failing, and when it works again. */
export interface StreakMessages {
  failing(reason: string): string;
  recovered(ms: number, failures: number): string;
}

/** `<what> failing: <reason>` and `<what> working again after <ms> ms (<n> failed)`. */
export function streakMessages(what: string): StreakMessages {
  return {
    failing: (reason) => `${what} failing: ${reason}`,
    recovered: (ms, failures) => `${what} working again after ${ms} ms (${failures} failed)`,
  };
}

/**
 * Logs something that fails over and over during an outage (a connection, a relay pass, an
 * enqueue) once when it starts failing and once when it works again: each retry that fails
 * the same way is not news.
 */
export class FailureStreak {
  private since: number | null = null;
  private failures = 0;

  constructor(
    private readonly logger: Logger,
    private readonly messages: StreakMessages,
    private readonly now: () => number = Date.now,
  ) {}

  failed(error: Error): void {
    this.failures += 1;
    if (this.since !== null) return;
    this.since = this.now();
    this.logger.warn(this.messages.failing(error.message));
  }

  succeeded(): void {
    if (this.since === null) return;
    this.logger.log(this.messages.recovered(this.now() - this.since, this.failures));
    this.since = null;
    this.failures = 0;
  }
}
