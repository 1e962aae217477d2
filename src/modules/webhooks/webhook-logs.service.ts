import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Page } from './http/pagination.dto';
import { queryRows } from './database/query-rows';
import { ListLogsQuery } from './dto/list-logs.query';
import { WebhookLog } from './entities/webhook-log.entity';
import { DeliveryQueue } from './outbox/delivery-queue.service';
import { DeliveryRef } from './webhook-queue';
import { WebhookRegistryService } from './webhook-registry.service';

/** Delivery logs of one tenant's webhook: reading them and sending them again. */
@Injectable()
export class WebhookLogsService {
  private readonly logger = new Logger(WebhookLogsService.name);

  constructor(
    @InjectRepository(WebhookLog) private readonly logs: Repository<WebhookLog>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: WebhookRegistryService,
    private readonly queue: DeliveryQueue,
  ) {}

  async list(tenantId: string, webhookId: string, query: ListLogsQuery): Promise<Page<WebhookLog>> {
    await this.registry.assertOwned(tenantId, webhookId);
    const builder = this.logs
      .createQueryBuilder('log')
      .where('log.webhook_id = :webhookId AND log.tenant_id = :tenantId', { webhookId, tenantId })
      .orderBy('log.created_at', 'DESC')
      .addOrderBy('log.id', 'DESC')
      .skip((query.page - 1) * query.limit)
      .take(query.limit);
    if (query.status) builder.andWhere('log.status = :status', { status: query.status });
    if (query.eventType)
      builder.andWhere('log.event_type = :eventType', { eventType: query.eventType });
    if (query.from) builder.andWhere('log.created_at >= :from', { from: query.from });
    if (query.to) builder.andWhere('log.created_at < :to', { to: query.to });
    const [data, total] = await builder.getManyAndCount();
    return { data, meta: { page: query.page, limit: query.limit, total } };
  }

  async findOne(tenantId: string, webhookId: string, logId: string): Promise<WebhookLog> {
    const log = await this.logs.findOneBy({ id: logId, webhookId, tenantId });
    if (!log) throw new NotFoundException('Delivery log not found');
    return log;
  }

  /** Sends a finished delivery again now, with a fresh round of the retry policy. */
  async retry(tenantId: string, webhookId: string, logId: string): Promise<void> {
    const rows = await this.markPending(
      tenantId,
      webhookId,
      `id = $3 AND status IN ('success', 'failed')`,
      logId,
    );
    if (rows.length === 0) {
      await this.findOne(tenantId, webhookId, logId);
      throw new ConflictException('This delivery is still in progress');
    }
    await this.requeue(rows);
  }

  /** Re-queues every failed delivery of the webhook created since `since`. */
  async recover(tenantId: string, webhookId: string, since: Date): Promise<number> {
    await this.registry.assertOwned(tenantId, webhookId);
    const rows = await this.markPending(
      tenantId,
      webhookId,
      `status = 'failed' AND created_at >= $3`,
      since,
    );
    await this.requeue(rows);
    return rows.length;
  }

  /**
   * Puts the webhook's deliveries matching `condition` back to pending, due now, with a fresh
   * round of the retry policy. `condition` is a constant SQL fragment whose only parameter is
   * `value`, as $3; never build it from input.
   */
  private markPending(
    tenantId: string,
    webhookId: string,
    condition: string,
    value: unknown,
  ): Promise<DeliveryRef[]> {
    return queryRows<DeliveryRef>(
      this.db,
      `UPDATE webhook_logs
          SET status = 'pending', retry_base = attempt_count, next_attempt_at = now(),
              completed_at = NULL, updated_at = now()
        WHERE webhook_id = $1 AND tenant_id = $2 AND ${condition}
        RETURNING id, webhook_id AS "webhookId"`,
      [webhookId, tenantId, value],
    );
  }

  /** The rows are pending in Postgres already; if Redis is away the relay enqueues them. */
  private async requeue(deliveries: DeliveryRef[]): Promise<void> {
    try {
      await this.queue.ensureQueued(deliveries);
    } catch (error) {
      this.logger.warn(`Re-queue deferred to the relay: ${(error as Error).message}`);
    }
  }
}
