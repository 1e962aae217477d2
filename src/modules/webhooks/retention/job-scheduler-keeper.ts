import { Logger } from '@nestjs/common';
import { JobSchedulerTemplateOptions, Queue, RepeatOptions } from 'bullmq';

/** How often a worker checks that its scheduler is still in Redis: one small read. */
export const SCHEDULER_CHECK_INTERVAL_MS = 10_000;

export interface JobSchedulerSpec {
  id: string;
  repeat: Omit<RepeatOptions, 'key'>;
  template: { name: string; opts?: JobSchedulerTemplateOptions };
}

/**
 * Keeps a BullMQ job scheduler registered. It exists only in Redis, so a Redis that lost its
 * data (flushed, or restarted without persistence) would never run it again: every worker
 * registers it at boot, and looks for it again every few seconds and whenever its connection
 * comes back, registering it once more when it is gone. Registering is idempotent (one
 * scheduler per id, one job per time slot), so workers doing it at the same time run it once.
 */
export class JobSchedulerKeeper {
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly queue: Queue,
    private readonly spec: JobSchedulerSpec,
    private readonly logger: Logger,
  ) {}

  /** Not awaited by boot: the scheduler is registered once Redis answers. */
  start(): void {
    // At boot unconditionally, so a changed schedule replaces the stored one.
    this.run(() => this.register());
    this.queue.getBackend().on('ready', () => this.check());
    this.timer = setInterval(() => this.check(), SCHEDULER_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Registers the scheduler again if Redis no longer has it. */
  check(): void {
    this.run(async () => {
      this.logger.debug(`Checking that job scheduler ${this.spec.id} is in Redis`);
      if (!(await this.queue.getJobScheduler(this.spec.id))) {
        await this.register();
        this.logger.warn(`Job scheduler ${this.spec.id} was missing from Redis: registered again`);
      }
    });
  }

  /** One call at a time: while Redis is down a call waits for it, and the next ones are skipped. */
  private run(task: () => Promise<void>): void {
    if (this.checking || this.stopped) return;
    this.checking = task()
      .catch((error: Error) => {
        if (!this.stopped) {
          this.logger.warn(`Job scheduler ${this.spec.id} not registered: ${error.message}`);
        }
      })
      .finally(() => (this.checking = undefined));
  }

  private async register(): Promise<void> {
    await this.queue.upsertJobScheduler(this.spec.id, this.spec.repeat, this.spec.template);
  }
}
