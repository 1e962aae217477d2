import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DelayedError, Job } from 'bullmq';
import { AppConfig } from '../../../config/app-config';
import { logQueueConnectionState } from '../../../redis/connection-state-log';
import { DeliveryJobData, WEBHOOK_DELIVERY_QUEUE } from '../webhook-queue';
import { WebhookRateLimiter } from '../throttling/webhook-rate-limiter';
import { closeWorker, InFlight } from '../worker-shutdown';
import { DeliveryStore } from './delivery-store';
import { WebhookDeliveryService } from './webhook-delivery.service';

const MAX_DELIVERY_MS = 30_000;

/**
 * Runs one attempt per job. A failed attempt with retries left moves the same job to the
 * delayed set (no BullMQ attempt used), so a delivery keeps one job id and one webhook-id.
 * Errors thrown here (Postgres down, …) are left to BullMQ's own retries.
 */
// A killed worker's delivery is taken over once its lock expired (≤ 6 s), at the next stalled
// check (every 1 s), which never takes a job whose lock is still there. The lock is renewed
// every second, so a live worker keeps it through 5 s without renewals (Redis unreachable, a
// blocked event loop); a shorter lock would send those deliveries twice (docs/operations.md).
@Processor(WEBHOOK_DELIVERY_QUEUE, {
  autorun: false,
  lockDuration: 6_000,
  lockRenewTime: 1_000,
  stalledInterval: 1_000,
})
export class WebhookDeliveryProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);
  private readonly attempts = new InFlight();

  constructor(
    private readonly delivery: WebhookDeliveryService,
    private readonly rateLimiter: WebhookRateLimiter,
    private readonly store: DeliveryStore,
    @Inject(ConfigService) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    // Connection errors are retried by BullMQ; without a listener each one is printed raw.
    logQueueConnectionState('delivery worker', this.worker, this.logger);
    this.worker.concurrency = this.config.get('WEBHOOK_WORKER_CONCURRENCY', { infer: true });
    void this.worker.run();
  }

  /** SIGTERM: in-flight deliveries finish first; each is bounded by its timeout (≤ 30 s). */
  beforeApplicationShutdown(): Promise<void> {
    return closeWorker(
      this.worker,
      this.attempts,
      MAX_DELIVERY_MS + 5000,
      this.logger,
      'deliveries',
    );
  }

  async process(job: Job<DeliveryJobData>, token?: string): Promise<void> {
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
    const outcome = await this.attempts.track(this.delivery.attempt(logId));
    if (outcome.kind === 'retry') {
      return this.delay(job, token, outcome.delayMs, { logId, webhookId });
    }
  }

  /** Puts the same job back in the delayed set; DelayedError tells BullMQ it is not a failure. */
  private async delay(
    job: Job<DeliveryJobData>,
    token: string | undefined,
    ms: number,
    data: DeliveryJobData,
  ) {
    if (data.slotAt !== job.data.slotAt) await job.updateData(data);
    await job.moveToDelayed(Date.now() + ms, token);
    throw new DelayedError();
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<DeliveryJobData> | undefined, error: Error): void {
    this.logger.error(
      `Delivery job ${job?.id} failed (BullMQ attempt ${job?.attemptsMade}): ${error.message}`,
    );
  }
}
