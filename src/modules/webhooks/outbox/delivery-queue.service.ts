import { FailureStreak, streakMessages } from '../support/failure-streak';
import { MicroBatcher } from '../support/micro-batcher';
import { withTimeout } from '../support/with-timeout';
import { InjectQueue } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { logQueueConnectionState } from '../redis/connection-state-log';
import { dropConnectionIfUnreachable } from '../redis/queue-shutdown';
import { ENQUEUE_TIMEOUT_MS } from '../delivery/delivery-lifecycle';
import { DeliveryJobData, DeliveryRef, WEBHOOK_DELIVERY_QUEUE } from '../delivery/webhook-queue';

const BULK_SIZE = 1000;

/**
 * Puts deliveries on the queue, one job per log row with jobId = log id. Failures to reach
 * Redis are logged, not thrown: the rows stay pending in Postgres and the relay enqueues them.
 */
@Injectable()
export class DeliveryQueue implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryQueue.name);
  private readonly enqueueFailures = new FailureStreak(
    this.logger,
    streakMessages('Enqueueing new deliveries (the relay re-enqueues what failed)'),
  );

  constructor(@InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly queue: Queue<DeliveryJobData>) {
    logQueueConnectionState('delivery queue', queue, this.logger);
  }

  /**
   * Before @nestjs/bullmq closes the queue (in onApplicationShutdown, after every
   * beforeApplicationShutdown), whose QUIT would fail or hang with Redis away.
   */
  beforeApplicationShutdown(): Promise<void> {
    return dropConnectionIfUnreachable(this.queue);
  }

  /** Concurrent enqueues share one round trip to Redis. */
  private readonly adds = new MicroBatcher<readonly DeliveryRef[], boolean>(async (groups) => {
    const added = await this.addAll(groups.flat());
    return groups.map(() => added);
  });

  /** For rows that just became due: adds them in bulk. Returns whether Redis took them. */
  enqueue(deliveries: readonly DeliveryRef[]): Promise<boolean> {
    return this.adds.add(deliveries);
  }

  private async addAll(deliveries: readonly DeliveryRef[]): Promise<boolean> {
    try {
      for (let start = 0; start < deliveries.length; start += BULK_SIZE) {
        const jobs = deliveries.slice(start, start + BULK_SIZE).map(({ id, webhookId, createdAt }) => ({
          name: 'deliver',
          data: { logId: id, webhookId, createdAt },
          opts: { jobId: id },
        }));
        await withTimeout(
          this.queue.addBulk(jobs),
          ENQUEUE_TIMEOUT_MS,
          `Redis did not answer within ${ENQUEUE_TIMEOUT_MS} ms`,
        );
      }
      this.enqueueFailures.succeeded();
      return true;
    } catch (error) {
      this.enqueueFailures.failed(error as Error);
      return false;
    }
  }

  /**
   * For rows that may or may not have a job (relay, manual retry): adds the missing ones and
   * revives finished ones; live jobs are left alone.
   */
  async ensureQueued(deliveries: readonly DeliveryRef[]): Promise<number> {
    const missing = await this.withoutLiveJob(deliveries);
    await this.enqueueOrThrow(missing);
    return missing.length;
  }

  /** The deliveries that have no waiting, delayed or active job; finished jobs are removed. */
  async withoutLiveJob(deliveries: readonly DeliveryRef[]): Promise<DeliveryRef[]> {
    const missing: DeliveryRef[] = [];
    for (const delivery of deliveries) {
      const job = await this.queue.getJob(delivery.id);
      const state = job ? await job.getState() : 'missing';
      if (state === 'failed' || state === 'completed') await job!.remove();
      if (state === 'missing' || state === 'failed' || state === 'completed')
        missing.push(delivery);
    }
    return missing;
  }

  async enqueueOrThrow(deliveries: readonly DeliveryRef[]): Promise<void> {
    if (deliveries.length > 0 && !(await this.enqueue(deliveries))) {
      throw new Error('Redis did not accept the deliveries');
    }
  }
}
