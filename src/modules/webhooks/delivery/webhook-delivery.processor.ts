import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DelayedError, Job, Worker } from 'bullmq';
import { WebhooksConfig } from '../options/webhooks-config';
import { workerOf } from '../redis/bullmq-connections';
import { logQueueConnectionState } from '../redis/connection-state-log';
import { DeliveryShards } from '../redis/delivery-shards';
import { QueueConnections } from '../redis/queue-connections';
import { concurrencyShare } from '../redis/queue-shards';
import { JOB_LOCK, SHUTDOWN_GRACE_MS } from './delivery-lifecycle';
import { DeliveryJobData } from './webhook-queue';
import { closeWorkers, InFlight } from '../redis/worker-shutdown';
import { DeliveryLogRepository } from '../delivery-logs/delivery-log.repository';
import { DeliveryQueue } from '../outbox/delivery-queue.service';
import { DeliveryOutcome, WebhookDeliveryService } from './webhook-delivery.service';

/**
 * Runs one attempt per job and turns its outcome into a BullMQ move, deciding nothing else. A
 * rate-limit wait or a failed attempt with retries left moves the same job to the delayed set
 * (no BullMQ attempt used), so a delivery keeps one job id and one webhook-id. Errors thrown
 * by the attempt (Postgres down, …) are left to BullMQ's own retries.
 *
 * A FIFO webhook's line (contract §10) moves on from here: when one of its deliveries ends
 * (success, failed, or found final), the next head gets its job; a job that was not the head
 * ends without a send, and the line is looked at again once that job is gone, since the head
 * before it may have ended meanwhile and found that job still there. What is missed (a crash,
 * Redis away) the relay enqueues.
 */
// The workers are built here rather than by @Processor: @nestjs/bullmq would give them the
// queue's producer connection (docs/decisions.md, "Redis connections").
@Injectable()
export class WebhookDeliveryProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private running?: Array<Worker<DeliveryJobData>>;
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);
  private readonly jobs = new InFlight();

  constructor(
    private readonly shards: DeliveryShards,
    private readonly connections: QueueConnections,
    private readonly delivery: WebhookDeliveryService,
    private readonly config: WebhooksConfig,
    private readonly logs: DeliveryLogRepository,
    private readonly queue: DeliveryQueue,
  ) {}

  /** The BullMQ worker of shard 0 (of the only queue, with one shard). */
  get worker(): Worker<DeliveryJobData> {
    return this.workers[0];
  }

  /** One BullMQ worker per delivery shard, in a process with options.worker.enabled. */
  get workers(): ReadonlyArray<Worker<DeliveryJobData>> {
    if (!this.running) throw new Error('The delivery worker is off (options.worker.enabled)');
    return this.running;
  }

  onApplicationBootstrap(): void {
    if (!this.config.workerEnabled) return;
    const shards = this.shards.count;
    this.running = this.shards.queues.map((queue, shard) => {
      const worker = workerOf(
        queue,
        (job, token) => this.process(job, token),
        {
          autorun: false,
          concurrency: concurrencyShare(this.config.workerConcurrency, shards, shard),
          ...JOB_LOCK,
        },
        this.connections.worker(),
      );
      worker.on('failed', (job, error) => this.onFailed(job, error));
      worker.on('completed', (job, result) => this.onCompleted(job, result));
      // Connection errors are retried by BullMQ; without a listener each one is printed raw.
      const name = shards === 1 ? 'delivery worker' : `delivery worker shard ${shard}`;
      logQueueConnectionState(name, worker, this.logger);
      return worker;
    });
    for (const worker of this.running) void worker.run();
  }

  /** SIGTERM: deliveries in flight finish first; each is bounded by its timeout (≤ 30 s). */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    await closeWorkers(this.running, this.jobs, SHUTDOWN_GRACE_MS, this.logger, 'deliveries');
  }

  /**
   * Shutdown waits for every job from here to its end. A job that reaches its attempt after
   * shutdown began goes back to the queue unsent: an attempt started then could outlive the
   * wait and be sent with nothing recorded (then sent again by the next worker).
   */
  async process(job: Job<DeliveryJobData>, token?: string): Promise<DeliveryOutcome['kind']> {
    // Shutdown does not wait for a put-back: with Redis down it would wait for Redis.
    if (this.jobs.closing) return this.putBack(job, token);
    const kind = await this.jobs.track(this.deliver(job, token));
    if (kind === 'stopped') return this.putBack(job, token);
    // The job's result: a blocked one is looked at again once it is gone (onCompleted).
    return kind;
  }

  /** Runs the job; `stopped` when shutdown began before its attempt, which was then not made. */
  private async deliver(
    job: Job<DeliveryJobData>,
    token?: string,
  ): Promise<DeliveryOutcome['kind']> {
    const outcome = await this.delivery.attempt(job.data, { mayStart: () => !this.jobs.closing });
    switch (outcome.kind) {
      case 'wait':
        // Sent when it wakes at its slot, which the job keeps so it is reserved only once.
        return this.delay(job, token, outcome.untilMs, { ...job.data, slotAt: outcome.untilMs });
      case 'retry':
        // A retry reserves its own slot when it wakes.
        return this.delay(job, token, Date.now() + outcome.delayMs, {
          ...job.data,
          slotAt: undefined,
        });
      case 'success':
      case 'failed':
      case 'dropped':
        if (job.data.fifo) await this.moveLineOn(job.data.webhookId);
        return outcome.kind;
      default:
        return outcome.kind;
    }
  }

  /** Enqueues the head of the webhook's FIFO line if it waits without a job. */
  private async moveLineOn(webhookId: string): Promise<void> {
    try {
      const head = await this.logs.fifoHead(webhookId);
      if (head) await this.queue.enqueue([head]);
    } catch (error) {
      this.logger.warn(
        `FIFO line of webhook ${webhookId} left to the relay: ${(error as Error).message}`,
      );
    }
  }

  private onCompleted(job: Job<DeliveryJobData>, result: unknown): void {
    if (result === 'blocked') void this.jobs.track(this.moveLineOn(job.data.webhookId));
  }

  /**
   * Returns the job unclaimed, due at once, for another worker; no BullMQ attempt is used. With
   * Redis unreachable this waits for Redis, the worker is closed meanwhile, and the job's lock
   * expires instead: another worker takes it then, its row still pending.
   */
  private putBack(job: Job<DeliveryJobData>, token: string | undefined): Promise<never> {
    return this.delay(job, token, Date.now(), job.data);
  }

  /**
   * Puts the same job back in the delayed set, due at `untilMs`: `updateData` (when the data
   * changed), then `moveToDelayed`. DelayedError tells BullMQ the job is not a failure.
   */
  private async delay(
    job: Job<DeliveryJobData>,
    token: string | undefined,
    untilMs: number,
    data: DeliveryJobData,
  ): Promise<never> {
    if (data.slotAt !== job.data.slotAt) await job.updateData(data);
    await job.moveToDelayed(untilMs, token);
    throw new DelayedError();
  }

  private onFailed(job: Job<DeliveryJobData> | undefined, error: Error): void {
    this.logger.error(
      `Delivery job ${job?.id} failed (BullMQ attempt ${job?.attemptsMade}): ${error.message}`,
    );
  }
}
