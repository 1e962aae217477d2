import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { REDIS_CLIENT } from '../../../redis/redis.module';
import { closeWorker } from '../worker-shutdown';
import { LogRetentionService } from './log-retention.service';

export const MAINTENANCE_QUEUE = 'webhook-maintenance';
const RETENTION_SCHEDULER = 'log-retention';
const HOURLY = 3_600_000;
/**
 * The same 35 s the delivery workers get (docs/operations.md). Each DELETE is a short batch; a
 * run cut off here is only a stalled job, and the next run deletes what it left.
 */
const SHUTDOWN_GRACE_MS = 35_000;

/**
 * A BullMQ job scheduler runs the retention hourly. It is one scheduler per deployment (same
 * id from every worker), so however many workers run, each run happens once.
 */
@Processor(MAINTENANCE_QUEUE)
export class LogRetentionProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(LogRetentionProcessor.name);

  constructor(
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue,
    private readonly retention: LogRetentionService,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
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

  beforeApplicationShutdown(): Promise<void> {
    return closeWorker(this.worker, this.redis, SHUTDOWN_GRACE_MS, this.logger);
  }

  async process(): Promise<{ deleted: number }> {
    return { deleted: await this.retention.deleteExpired() };
  }
}
