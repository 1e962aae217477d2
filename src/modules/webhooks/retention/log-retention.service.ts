import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WebhooksConfig } from '../options/webhooks-config';
import { queryRows } from '../database/query-rows';

/** Rows per DELETE: each statement is short, so no long lock blocks inserts or the workers. */
export const RETENTION_BATCH = 5000;

/** Deletes delivery logs older than WEBHOOK_LOG_RETENTION_DAYS, a batch at a time. */
@Injectable()
export class LogRetentionService {
  private readonly logger = new Logger(LogRetentionService.name);
  private readonly retentionDays: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    config: WebhooksConfig,
  ) {
    this.retentionDays = config.logRetentionDays;
  }

  /** Returns how many logs were deleted. Deliveries still in flight are kept whatever their age. */
  async deleteExpired(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await queryRows<{ id: string }>(
        this.db,
        `DELETE FROM webhook_logs
          WHERE id IN (SELECT id FROM webhook_logs
                        WHERE created_at < now() - make_interval(days => $1)
                          AND status IN ('success', 'failed')
                        LIMIT ${RETENTION_BATCH})
          RETURNING id`,
        [this.retentionDays],
      );
      total += deleted.length;
      if (deleted.length < RETENTION_BATCH) break;
    }
    if (total > 0)
      this.logger.log(`Deleted ${total} delivery logs older than ${this.retentionDays} days`);
    return total;
  }
}
