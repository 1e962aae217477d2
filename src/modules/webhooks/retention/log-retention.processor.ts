import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { LogRetentionService } from './log-retention.service';

export const MAINTENANCE_QUEUE = 'webhook-maintenance';
const RETENTION_SCHEDULER = 'log-retention';
const HOURLY = 3_600_000;

/**
 * A BullMQ job scheduler runs the retention hourly. It is one scheduler per deployment (same
 * id from every worker), so however many workers run, each run happens once.
 */
@Processor(MAINTENANCE_QUEUE)
export class LogRetentionProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(LogRetentionProcessor.name);

  constructor(
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue,
    private readonly retention: LogRetentionService,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    // Not awaited: boot must not wait for Redis; the scheduler is registered once it answers.
    this.queue
      .upsertJobScheduler(
        RETENTION_SCHEDULER,
        { every: HOURLY },
        { name: RETENTION_SCHEDULER, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      )
      .catch((error: Error) =>
        this.logger.warn(`Retention scheduler not registered: ${error.message}`),
      );
  }

  async process(): Promise<{ deleted: number }> {
    return { deleted: await this.retention.deleteExpired() };
  }
}
