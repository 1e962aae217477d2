import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueStatsResponse } from './queue-admin.response';
import { DeliveryJobData, WEBHOOK_DELIVERY_QUEUE } from '../delivery/webhook-queue';

const RETRY_CHUNK = 500;

/** Operator actions on the delivery queue as a whole (all tenants, all workers). */
@Injectable()
export class QueueAdminService {
  private readonly logger = new Logger(QueueAdminService.name);

  constructor(
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly queue: Queue<DeliveryJobData>,
  ) {}

  /**
   * BullMQ 6 has no `paused` list any more: pausing only flags the queue and held jobs stay in
   * `wait` (and `prioritized`). To keep each job in exactly one count, jobs ready to run are
   * reported as `waiting` while the queue runs and as `paused` while it is paused.
   */
  async stats(): Promise<QueueStatsResponse> {
    const [counts, isPaused] = await Promise.all([
      this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'),
      this.queue.isPaused(),
    ]);
    const ready = counts.waiting + counts.prioritized;
    return {
      waiting: isPaused ? 0 : ready,
      active: counts.active,
      delayed: counts.delayed,
      completed: counts.completed,
      failed: counts.failed,
      paused: isPaused ? ready : 0,
    };
  }

  /**
   * Moves every job that is failed now back to waiting with a fresh round of BullMQ attempts,
   * and returns how many moved. Jobs that leave the failed set meanwhile (the outbox relay
   * revives them too) are skipped, so nothing is counted or run twice.
   */
  async retryFailed(): Promise<number> {
    const ids = await this.queue.getRanges(['failed'], 0, -1, true);
    let queued = 0;
    for (let start = 0; start < ids.length; start += RETRY_CHUNK) {
      const jobs = await Promise.all(
        ids.slice(start, start + RETRY_CHUNK).map((id) => this.queue.getJob(id)),
      );
      const results = await Promise.allSettled(
        jobs.map(async (job) => {
          if (!job) throw new Error('removed meanwhile');
          await job.retry('failed', { resetAttemptsMade: true });
        }),
      );
      queued += results.filter((result) => result.status === 'fulfilled').length;
    }
    if (queued > 0) this.logger.log(`Re-queued ${queued} failed delivery jobs`);
    return queued;
  }

  /** Stops every worker from taking new jobs; deliveries already running finish. */
  async pause(): Promise<void> {
    await this.queue.pause();
    this.logger.warn('Delivery queue paused');
  }

  async resume(): Promise<void> {
    await this.queue.resume();
    this.logger.log('Delivery queue resumed');
  }

  isPaused(): Promise<boolean> {
    return this.queue.isPaused();
  }
}
