import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { DeliveryLogRepository } from './delivery-log.repository';
import { Page } from '../http/pagination.dto';
import { ListLogsQuery } from './dto/list-logs.query';
import { WebhookLog } from './webhook-log.entity';
import { DeliveryQueue } from '../outbox/delivery-queue.service';
import { DeliveryRef } from '../delivery/webhook-queue';
import { WebhookRegistryService } from '../endpoints/webhook-registry.service';

/** Delivery logs of one tenant's webhook: reading them and sending them again. */
@Injectable()
export class WebhookLogsService {
  private readonly logger = new Logger(WebhookLogsService.name);

  constructor(
    private readonly logs: DeliveryLogRepository,
    private readonly registry: WebhookRegistryService,
    private readonly queue: DeliveryQueue,
  ) {}

  async list(tenantId: string, webhookId: string, query: ListLogsQuery): Promise<Page<WebhookLog>> {
    await this.registry.assertOwned(tenantId, webhookId);
    return this.logs.list(tenantId, webhookId, query);
  }

  async findOne(tenantId: string, webhookId: string, logId: string): Promise<WebhookLog> {
    const log = await this.logs.findOne(tenantId, webhookId, logId);
    if (!log) throw new NotFoundException('Delivery log not found');
    return log;
  }

  /**
   * Sends a finished delivery again now, with a fresh round of the retry policy; a FIFO
   * webhook's goes to the back of its line (after every delivery waiting or in flight).
   */
  async retry(tenantId: string, webhookId: string, logId: string): Promise<void> {
    const rows = await this.logs.retryOne(tenantId, webhookId, logId);
    if (rows.length === 0) {
      await this.findOne(tenantId, webhookId, logId);
      throw new ConflictException('This delivery is still in progress');
    }
    await this.requeue(rows);
  }

  /**
   * Re-queues every failed delivery of the webhook created since `since`; a FIFO webhook's go
   * to the back of its line, in their old order.
   */
  async recover(tenantId: string, webhookId: string, since: Date): Promise<number> {
    await this.registry.assertOwned(tenantId, webhookId);
    const rows = await this.logs.recoverFailed(tenantId, webhookId, since);
    await this.requeue(rows);
    return rows.length;
  }

  /**
   * The rows are pending in Postgres already; if Redis is away the relay enqueues them. Of a
   * FIFO webhook's only the first gets a job (DeliveryQueue.ensureQueued).
   */
  private async requeue(deliveries: DeliveryRef[]): Promise<void> {
    try {
      await this.queue.ensureQueued(deliveries);
    } catch (error) {
      this.logger.warn(`Re-queue deferred to the relay: ${(error as Error).message}`);
    }
  }
}
