import { InjectQueue } from '@nestjs/bullmq';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DelayedError, Job, Queue, Worker } from 'bullmq';
import { WebhooksConfig } from '../options/webhooks-config';
import { workerOf } from '../redis/bullmq-connections';
import { logQueueConnectionState } from '../redis/connection-state-log';
import { JOB_LOCK, SHUTDOWN_GRACE_MS } from '../delivery-lifecycle';
import { DeliveryJobData, WEBHOOK_DELIVERY_QUEUE } from '../webhook-queue';
import { WebhookRateLimiter } from '../throttling/webhook-rate-limiter';
import { closeWorker, InFlight } from '../worker-shutdown';
import { DeliveryStore } from './delivery-store';
import { WebhookDeliveryService } from './webhook-delivery.service';

/**
 * Runs one attempt per job. A failed attempt with retries left moves the same job to the
 * delayed set (no BullMQ attempt used), so a delivery keeps one job id and one webhook-id.
 * Errors thrown here (Postgres down, …) are left to BullMQ's own retries.
 */
// The worker is built here rather than by @Processor: @nestjs/bullmq would give it the queue's
// producer connection (docs/decisions.md, "Redis connections").
@Injectable()
export class WebhookDeliveryProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private running?: Worker<DeliveryJobData>;
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);
  private readonly jobs = new InFlight();

  constructor(
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly queue: Queue<DeliveryJobData>,
    private readonly delivery: WebhookDeliveryService,
    private readonly rateLimiter: WebhookRateLimiter,
    private readonly store: DeliveryStore,
    private readonly config: WebhooksConfig,
  ) {}

  /** The BullMQ worker, in a process with options.worker.enabled. */
  get worker(): Worker<DeliveryJobData> {
    if (!this.running) throw new Error('The delivery worker is off (options.worker.enabled)');
    return this.running;
  }

  onApplicationBootstrap(): void {
    if (!this.config.workerEnabled) return;
    this.running = workerOf(this.queue, (job, token) => this.process(job, token), {
      autorun: false,
      concurrency: this.config.workerConcurrency,
      ...JOB_LOCK,
    });
    this.running.on('failed', (job, error) => this.onFailed(job, error));
    // Connection errors are retried by BullMQ; without a listener each one is printed raw.
    logQueueConnectionState('delivery worker', this.running, this.logger);
    void this.running.run();
  }

  /** SIGTERM: deliveries in flight finish first; each is bounded by its timeout (≤ 30 s). */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    await closeWorker(this.running, this.jobs, SHUTDOWN_GRACE_MS, this.logger, 'deliveries');
  }

  /**
   * Shutdown waits for every job from here to its end. A job that reaches its attempt after
   * shutdown began goes back to the queue unsent: an attempt started then could outlive the
   * wait and be sent with nothing recorded (then sent again by the next worker).
   */
  async process(job: Job<DeliveryJobData>, token?: string): Promise<void> {
    // Shutdown does not wait for a put-back: with Redis down it would wait for Redis.
    if (this.jobs.closing) return this.putBack(job, token);
    const attempted = await this.jobs.track(this.deliver(job, token));
    if (!attempted) return this.putBack(job, token);
  }

  /** Runs the job; false when shutdown began before its attempt, which was then not made. */
  private async deliver(job: Job<DeliveryJobData>, token?: string): Promise<boolean> {
    const { logId, webhookId, slotAt } = job.data;
    // A rate-limited delivery reserves a slot once, waits for it without using an attempt,
    // and is sent when it wakes up.
    if (slotAt === undefined) {
      const waitMs = await this.rateLimiter.reserve(webhookId);
      if (waitMs > 0) {
        const slotAt = Date.now() + waitMs;
        await this.store.postpone(logId, new Date(slotAt));
        return this.delay(job, token, waitMs, { ...job.data, slotAt });
      }
    } else if (slotAt > Date.now()) {
      // Woken before its slot (delayed-job timers are not exact): wait for the rest.
      return this.delay(job, token, slotAt - Date.now(), job.data);
    }
    if (this.jobs.closing) return false;
    const outcome = await this.delivery.attempt(logId);
    if (outcome.kind === 'retry') {
      return this.delay(job, token, outcome.delayMs, { logId, webhookId });
    }
    return true;
  }

  /**
   * Returns the job unclaimed, due at once, for another worker; no BullMQ attempt is used. With
   * Redis unreachable this waits for Redis, the worker is closed meanwhile, and the job's lock
   * expires instead: another worker takes it then, its row still pending.
   */
  private putBack(job: Job<DeliveryJobData>, token: string | undefined): Promise<never> {
    return this.delay(job, token, 0, job.data);
  }

  /**
   * Puts the same job back in the delayed set: `updateData` (when the data changed), then
   * `moveToDelayed`. DelayedError tells BullMQ the job is not a failure.
   */
  private async delay(
    job: Job<DeliveryJobData>,
    token: string | undefined,
    ms: number,
    data: DeliveryJobData,
  ): Promise<never> {
    if (data.slotAt !== job.data.slotAt) await job.updateData(data);
    await job.moveToDelayed(Date.now() + ms, token);
    throw new DelayedError();
  }

  private onFailed(job: Job<DeliveryJobData> | undefined, error: Error): void {
    this.logger.error(
      `Delivery job ${job?.id} failed (BullMQ attempt ${job?.attemptsMade}): ${error.message}`,
    );
  }
}
