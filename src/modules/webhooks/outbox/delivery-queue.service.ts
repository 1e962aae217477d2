import { FailureStreak, streakMessages } from '../support/failure-streak';
import { MicroBatcher } from '../support/micro-batcher';
import { withTimeout } from '../support/with-timeout';
import { Injectable, Logger } from '@nestjs/common';
import { logQueueConnectionState } from '../redis/connection-state-log';
import { DeliveryShards } from '../redis/delivery-shards';
import { ENQUEUE_TIMEOUT_MS } from '../delivery/delivery-lifecycle';
import { DeliveryRef } from '../delivery/webhook-queue';

const BULK_SIZE = 1000;

/**
 * Puts deliveries on the queue of their webhook's shard, one job per log row with jobId = log
 * id. Failures to reach Redis are logged, not thrown: the rows stay pending in Postgres and the
 * relay enqueues them.
 */
@Injectable()
export class DeliveryQueue {
  private readonly logger = new Logger(DeliveryQueue.name);
  private readonly enqueueFailures = new FailureStreak(
    this.logger,
    streakMessages('Enqueueing new deliveries (the relay re-enqueues what failed)'),
  );

  private readonly lookupFailures = new FailureStreak(
    this.logger,
    streakMessages('Job lookups on some delivery shards (their rows wait for the next pass)'),
  );

  constructor(private readonly shards: DeliveryShards) {
    shards.queues.forEach((queue, shard) =>
      logQueueConnectionState(shards.label(shard), queue, this.logger),
    );
  }

  /** Concurrent enqueues share one round trip to Redis. */
  private readonly adds = new MicroBatcher<readonly DeliveryRef[], boolean>(async (groups) => {
    const added = await this.addAll(firstInLine(groups.flat()));
    return groups.map(() => added);
  });

  /**
   * For rows that just became due: adds them in bulk. Returns whether Redis took them. Of a
   * FIFO webhook's rows only the first in line gets a job here; the others get theirs when the
   * one before them ends (or from the relay).
   */
  enqueue(deliveries: readonly DeliveryRef[]): Promise<boolean> {
    return this.adds.add(deliveries);
  }

  /** False when any shard did not take its part; the parts it did take stay queued. */
  private async addAll(deliveries: readonly DeliveryRef[]): Promise<boolean> {
    const results = await Promise.allSettled(
      this.byShard(deliveries).map((part, shard) => this.addToShard(shard, part)),
    );
    const failure = results.find((result) => result.status === 'rejected');
    if (!failure) {
      this.enqueueFailures.succeeded();
      return true;
    }
    this.enqueueFailures.failed(failure.reason as Error);
    return false;
  }

  private async addToShard(shard: number, deliveries: readonly DeliveryRef[]): Promise<void> {
    const queue = this.shards.queues[shard];
    for (let start = 0; start < deliveries.length; start += BULK_SIZE) {
      const jobs = deliveries
        .slice(start, start + BULK_SIZE)
        .map(({ id, webhookId, createdAt, fifoSequence }) => ({
          name: 'deliver',
          data: {
            logId: id,
            webhookId,
            createdAt,
            ...(fifoSequence != null && { fifo: true as const }),
          },
          opts: { jobId: id },
        }));
      await withTimeout(
        queue.addBulk(jobs),
        ENQUEUE_TIMEOUT_MS,
        `Redis did not answer within ${ENQUEUE_TIMEOUT_MS} ms`,
      );
    }
  }

  /** The deliveries of each shard, in their order (a shard without any has an empty list). */
  private byShard(deliveries: readonly DeliveryRef[]): DeliveryRef[][] {
    const parts = this.shards.queues.map((): DeliveryRef[] => []);
    for (const delivery of deliveries)
      parts[this.shards.shardOf(delivery.webhookId)].push(delivery);
    return parts;
  }

  /**
   * For rows that may or may not have a job (relay, manual retry): adds the missing ones and
   * revives finished ones; live jobs are left alone.
   */
  async ensureQueued(deliveries: readonly DeliveryRef[]): Promise<number> {
    const { missing } = await this.withoutLiveJob(firstInLine(deliveries));
    await this.enqueueOrThrow(missing);
    return missing.length;
  }

  /**
   * The deliveries that have no waiting, delayed or active job on their shard; finished jobs
   * are removed. A shard that cannot be asked (its Redis master is down) is left out and
   * counted in `unreachable`, so the relay goes on with the others; when no shard with rows
   * answered, this throws.
   */
  async withoutLiveJob(
    deliveries: readonly DeliveryRef[],
  ): Promise<{ missing: DeliveryRef[]; unreachable: number }> {
    const parts = this.byShard(deliveries)
      .map((part, shard) => ({ part, shard }))
      .filter(({ part }) => part.length > 0);
    const results = await Promise.allSettled(
      parts.map(({ part, shard }) => this.missingOn(shard, part)),
    );
    const failures = results.flatMap((result, i) =>
      result.status === 'rejected'
        ? [{ shard: parts[i].shard, error: result.reason as Error }]
        : [],
    );
    if (failures.length > 0 && failures.length === results.length) throw failures[0].error;
    if (failures.length > 0) this.lookupFailures.failed(lookupError(failures));
    else this.lookupFailures.succeeded();
    return {
      missing: results.flatMap((result) => (result.status === 'fulfilled' ? result.value : [])),
      unreachable: failures.length,
    };
  }

  private async missingOn(
    shard: number,
    deliveries: readonly DeliveryRef[],
  ): Promise<DeliveryRef[]> {
    const queue = this.shards.queues[shard];
    const missing: DeliveryRef[] = [];
    for (const delivery of deliveries) {
      const job = await queue.getJob(delivery.id);
      const state = job ? await job.getState() : 'missing';
      if (state === 'failed' || state === 'completed') await job!.remove();
      const dead = state === 'missing' || state === 'failed' || state === 'completed';
      if (dead && !(await this.liveOnOtherShard(delivery.id, shard))) missing.push(delivery);
    }
    return missing;
  }

  /**
   * A job queued before QUEUE_SHARDS changed sits on the shard its webhook had then; a second
   * job on the new shard would send the delivery twice. A shard that cannot be asked counts as
   * not holding it.
   */
  private async liveOnOtherShard(jobId: string, own: number): Promise<boolean> {
    for (const [shard, queue] of this.shards.queues.entries()) {
      if (shard === own) continue;
      const state = await queue
        .getJob(jobId)
        .then((job) => (job ? job.getState() : 'missing'))
        .catch(() => 'missing');
      if (!['missing', 'failed', 'completed', 'unknown'].includes(state)) return true;
    }
    return false;
  }

  async enqueueOrThrow(deliveries: readonly DeliveryRef[]): Promise<void> {
    if (deliveries.length > 0 && !(await this.enqueue(deliveries))) {
      throw new Error('Redis did not accept the deliveries');
    }
  }
}

/**
 * The deliveries without those that wait behind another of the same list in a FIFO line: only
 * the lowest number of each FIFO webhook can be its head, the others would only be claimed to
 * find that they must wait.
 */
function firstInLine(deliveries: readonly DeliveryRef[]): DeliveryRef[] {
  const first = new Map<string, number>();
  for (const { webhookId, fifoSequence } of deliveries) {
    if (fifoSequence == null) continue;
    const lowest = first.get(webhookId);
    if (lowest === undefined || fifoSequence < lowest) first.set(webhookId, fifoSequence);
  }
  if (first.size === 0) return deliveries as DeliveryRef[];
  return deliveries.filter(
    ({ webhookId, fifoSequence }) => fifoSequence == null || first.get(webhookId) === fifoSequence,
  );
}

function lookupError(failures: ReadonlyArray<{ shard: number; error: Error }>): Error {
  const shards = failures.map(({ shard }) => shard).join(', ');
  return new Error(`shard ${shards}: ${failures[0].error.message}`);
}
