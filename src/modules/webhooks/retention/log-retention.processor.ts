import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { logQueueConnectionState } from '../redis/connection-state-log';
import { closeWorker, InFlight } from '../worker-shutdown';
import { JobSchedulerKeeper, JobSchedulerSpec } from './job-scheduler-keeper';
import { LogRetentionService } from './log-retention.service';
import { dropConnectionIfUnreachable } from '../redis/queue-shutdown';
import { SHUTDOWN_GRACE_MS } from '../delivery-lifecycle';

export const MAINTENANCE_QUEUE = 'webhook-maintenance';
const RETENTION_SCHEDULE: JobSchedulerSpec = {
  id: 'log-retention',
  repeat: { every: 3_600_000 },
  template: { name: 'log-retention', opts: { removeOnComplete: 100, removeOnFail: 100 } },
};

/**
 * A BullMQ job scheduler runs the retention hourly. It is one scheduler per deployment (same
 * id from every worker), so however many workers run, each run happens once; every worker
 * keeps it registered, even after Redis lost its data.
 */
@Processor(MAINTENANCE_QUEUE)
export class LogRetentionProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(LogRetentionProcessor.name);
  private readonly scheduler: JobSchedulerKeeper;
  private readonly runs = new InFlight();

  constructor(
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue,
    private readonly retention: LogRetentionService,
  ) {
    super();
    logQueueConnectionState('maintenance queue', queue, this.logger);
    this.scheduler = new JobSchedulerKeeper(queue, RETENTION_SCHEDULE, this.logger);
  }

  onApplicationBootstrap(): void {
    logQueueConnectionState('maintenance worker', this.worker, this.logger);
    this.scheduler.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.scheduler.stop();
    // The delivery workers' grace. Each DELETE is a short batch; a run cut off by it is only a
    // stalled job, and the next run deletes what it left.
    await closeWorker(this.worker, this.runs, SHUTDOWN_GRACE_MS, this.logger, 'retention runs');
    // A scheduler check may still wait for Redis; @nestjs/bullmq's close would wait behind it.
    await dropConnectionIfUnreachable(this.queue);
  }

  async process(): Promise<{ deleted: number }> {
    // A run that would start after shutdown began is left to the next one.
    if (this.runs.closing) return { deleted: 0 };
    return { deleted: await this.runs.track(this.retention.deleteExpired()) };
  }
}
