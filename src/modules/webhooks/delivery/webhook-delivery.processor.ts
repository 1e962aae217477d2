import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DelayedError, Job } from 'bullmq';
import { AppConfig } from '../../../config/app-config';
import { DeliveryJobData, WEBHOOK_DELIVERY_QUEUE } from '../webhook-queue';
import { WebhookDeliveryService } from './webhook-delivery.service';

/**
 * Runs one attempt per job. A failed attempt with retries left moves the same job to the
 * delayed set (no BullMQ attempt used), so a delivery keeps one job id and one webhook-id.
 * Errors thrown here (Postgres down, …) are left to BullMQ's own retries.
 */
// A short lock (renewed every 5 s while a delivery runs) lets another worker take over a
// killed worker's delivery within seconds instead of half a minute.
@Processor(WEBHOOK_DELIVERY_QUEUE, { autorun: false, lockDuration: 10_000, stalledInterval: 5_000 })
export class WebhookDeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);

  constructor(
    private readonly delivery: WebhookDeliveryService,
    @Inject(ConfigService) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.get('WEBHOOK_WORKER_CONCURRENCY', { infer: true });
    void this.worker.run();
  }

  async process(job: Job<DeliveryJobData>, token?: string): Promise<void> {
    const outcome = await this.delivery.attempt(job.data.logId);
    if (outcome.kind === 'retry') {
      await job.moveToDelayed(Date.now() + outcome.delayMs, token);
      throw new DelayedError();
    }
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<DeliveryJobData> | undefined, error: Error): void {
    this.logger.error(
      `Delivery job ${job?.id} failed (BullMQ attempt ${job?.attemptsMade}): ${error.message}`,
    );
  }
}
