import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueJobCounts, QueueStatsResponse } from './queue-admin.response';
import { DeliveryJobData } from '../delivery/webhook-queue';
import { DeliveryShards } from '../redis/delivery-shards';

const RETRY_CHUNK = 500;
const COUNTED = ['waiting', 'active', 'delayed', 'completed', 'failed', 'paused'] as const;

/**
 * Operator actions on the delivery queue as a whole (all tenants, all workers, every shard:
 * with QUEUE_SHARDS > 1 each action is applied to every shard's queue).
 */
@Injectable()
export class QueueAdminService {
  private readonly logger = new Logger(QueueAdminService.name);

  constructor(private readonly shards: DeliveryShards) {}

  private get queues(): ReadonlyArray<Queue<DeliveryJobData>> {
    return this.shards.queues;
  }

  /** The sum over the shards; with several shards, each shard's counts as well. */
  async stats(): Promise<QueueStatsResponse> {
    const perShard = await Promise.all(this.queues.map((queue) => this.countsOf(queue)));
    const total = Object.fromEntries(
      COUNTED.map((state) => [state, perShard.reduce((sum, counts) => sum + counts[state], 0)]),
    ) as unknown as QueueJobCounts;
    if (this.queues.length === 1) return total;
    return {
      ...total,
      shards: perShard.map((counts, shard) => ({
        shard,
        queue: this.queues[shard].name,
        ...counts,
      })),
    };
  }

  /**
   * BullMQ 6 has no `paused` list any more: pausing only flags the queue and held jobs stay in
   * `wait` (and `prioritized`). To keep each job in exactly one count, jobs ready to run are
   * reported as `waiting` while the queue runs and as `paused` while it is paused.
   */
  private async countsOf(queue: Queue<DeliveryJobData>): Promise<QueueJobCounts> {
    const [counts, isPaused] = await Promise.all([
      queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'),
      queue.isPaused(),
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
    const moved = await Promise.all(this.queues.map((queue) => this.retryFailedOn(queue)));
    const queued = moved.reduce((sum, count) => sum + count, 0);
    if (queued > 0) this.logger.log(`Re-queued ${queued} failed delivery jobs`);
    return queued;
  }

  private async retryFailedOn(queue: Queue<DeliveryJobData>): Promise<number> {
    const ids = await queue.getRanges(['failed'], 0, -1, true);
    let queued = 0;
    for (let start = 0; start < ids.length; start += RETRY_CHUNK) {
      const jobs = await Promise.all(
        ids.slice(start, start + RETRY_CHUNK).map((id) => queue.getJob(id)),
      );
      const results = await Promise.allSettled(
        jobs.map(async (job) => {
          if (!job) throw new Error('removed meanwhile');
          await job.retry('failed', { resetAttemptsMade: true });
        }),
      );
      queued += results.filter((result) => result.status === 'fulfilled').length;
    }
    return queued;
  }

  /** Stops every worker from taking new jobs, on every shard; deliveries already running finish. */
  async pause(): Promise<void> {
    await Promise.all(this.queues.map((queue) => queue.pause()));
    this.logger.warn('Delivery queue paused');
  }

  async resume(): Promise<void> {
    await Promise.all(this.queues.map((queue) => queue.resume()));
    this.logger.log('Delivery queue resumed');
  }

  /** Paused when every shard is; a pause that reached only some shards answers false. */
  async isPaused(): Promise<boolean> {
    const paused = await Promise.all(this.queues.map((queue) => queue.isPaused()));
    return paused.every(Boolean);
  }
}
