import { InjectQueue } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { WebhooksConfig } from '../options/webhooks-config';
import {
  DELIVERY_JOB_OPTIONS,
  DeliveryJobData,
  WEBHOOK_DELIVERY_QUEUE,
} from '../delivery/webhook-queue';
import { QueueConnections } from './queue-connections';
import { deliveryQueueName, deliveryQueuePrefix, shardOf } from './queue-shards';
import { dropConnectionIfUnreachable } from './queue-shutdown';

/**
 * The token of every delivery shard's BullMQ queue (`Queue[]`, shard 0 first), for a dashboard:
 * `app.get(WEBHOOK_DELIVERY_QUEUES)`.
 */
export const WEBHOOK_DELIVERY_QUEUES = 'WEBHOOK_DELIVERY_QUEUES';

/**
 * The delivery queues, one per shard (options.queueShards). Shard 0 is the queue registered
 * with @nestjs/bullmq under WEBHOOK_DELIVERY_QUEUE, exactly the queue of a one-shard install;
 * the others are made here with the same settings and closed here.
 */
@Injectable()
export class DeliveryShards implements BeforeApplicationShutdown, OnApplicationShutdown {
  readonly queues: ReadonlyArray<Queue<DeliveryJobData>>;

  constructor(
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) first: Queue<DeliveryJobData>,
    connections: QueueConnections,
    config: WebhooksConfig,
  ) {
    const others = Array.from({ length: config.queueShards - 1 }, (_, i) => {
      const shard = i + 1;
      return new Queue<DeliveryJobData>(deliveryQueueName(shard), {
        prefix: deliveryQueuePrefix(connections.keys, shard),
        connection: connections.producer(),
        defaultJobOptions: DELIVERY_JOB_OPTIONS,
      });
    });
    this.queues = [first, ...others];
  }

  get count(): number {
    return this.queues.length;
  }

  shardOf(webhookId: string): number {
    return shardOf(webhookId, this.queues.length);
  }

  /** The queue of a webhook's deliveries. */
  of(webhookId: string): Queue<DeliveryJobData> {
    return this.queues[this.shardOf(webhookId)];
  }

  /** How a log line names a shard's queue. */
  label(shard: number): string {
    return this.queues.length === 1 ? 'delivery queue' : `delivery queue shard ${shard}`;
  }

  /**
   * Before @nestjs/bullmq closes shard 0 (in onApplicationShutdown, after every
   * beforeApplicationShutdown), whose QUIT would fail or hang with Redis away.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.queues.map((queue) => dropConnectionIfUnreachable(queue)));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.queues.slice(1).map((queue) => queue.close()));
  }
}
