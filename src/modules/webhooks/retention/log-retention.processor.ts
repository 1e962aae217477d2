import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { SHUTDOWN_GRACE_MS } from '../delivery/delivery-lifecycle';
import { WebhooksConfig } from '../options/webhooks-config';
import { workerOf } from '../redis/bullmq-connections';
import { logQueueConnectionState } from '../redis/connection-state-log';
import { QueueConnections } from '../redis/queue-connections';
import { maintenanceQueuePrefix } from '../redis/queue-shards';
import { dropConnectionIfUnreachable } from '../redis/queue-shutdown';
import { closeWorker, InFlight } from '../redis/worker-shutdown';
import { JobSchedulerKeeper, JobSchedulerSpec } from './job-scheduler-keeper';
import { LogRetentionService } from './log-retention.service';

export const MAINTENANCE_QUEUE = 'webhook-maintenance';
const RETENTION_SCHEDULE: JobSchedulerSpec = {
  id: 'log-retention',
  repeat: { every: 3_600_000 },
  template: { name: 'log-retention', opts: { removeOnComplete: 100, removeOnFail: 100 } },
};

interface Running {
  queue: Queue;
  worker: Worker;
  scheduler: JobSchedulerKeeper;
}

/**
 * A BullMQ job scheduler runs the retention hourly. It is one scheduler per deployment (same
 * id from every worker), so however many workers run, each run happens once; every worker
 * keeps it registered, even after Redis lost its data. Only worker processes open its queue:
 * its only producer is the scheduler keeper, and both wait for Redis.
 */
@Injectable()
export class LogRetentionProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LogRetentionProcessor.name);
  private readonly runs = new InFlight();
  private running?: Running;

  constructor(
    private readonly retention: LogRetentionService,
    private readonly config: WebhooksConfig,
    private readonly connections: QueueConnections,
  ) {}

  /** The maintenance queue and its worker, in a process with options.worker.enabled. */
  get queue(): Queue {
    return this.started().queue;
  }

  get worker(): Worker {
    return this.started().worker;
  }

  onApplicationBootstrap(): void {
    if (!this.config.workerEnabled) return;
    const queue = new Queue(MAINTENANCE_QUEUE, {
      prefix: maintenanceQueuePrefix(this.connections.keys),
      connection: this.connections.worker(),
    });
    logQueueConnectionState('maintenance queue', queue, this.logger);
    const worker = workerOf(queue, () => this.process(), {}, this.connections.worker());
    logQueueConnectionState('maintenance worker', worker, this.logger);
    const scheduler = new JobSchedulerKeeper(queue, RETENTION_SCHEDULE, this.logger);
    this.running = { queue, worker, scheduler };
    scheduler.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    const { queue, worker, scheduler } = this.running;
    scheduler.stop();
    // The delivery workers' grace. A run cut off by it is only a stalled job, and the next run
    // finishes what it left (a half-detached partition included).
    await closeWorker(worker, this.runs, SHUTDOWN_GRACE_MS, this.logger, 'retention runs');
    // A scheduler check may still wait for Redis; closing would wait behind it.
    await dropConnectionIfUnreachable(queue);
    await queue.close();
  }

  async process(): Promise<{ dropped: string[] }> {
    // A run that would start after shutdown began is left to the next one.
    if (this.runs.closing) return { dropped: [] };
    const { dropped } = await this.runs.track(this.retention.run());
    return { dropped };
  }

  private started(): Running {
    if (!this.running) throw new Error('Log retention is off (options.worker.enabled)');
    return this.running;
  }
}
