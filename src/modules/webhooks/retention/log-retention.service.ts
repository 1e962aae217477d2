import { Injectable, Logger } from '@nestjs/common';
import { DeliveryLogRepository } from '../delivery-logs/delivery-log.repository';
import { WebhooksConfig } from '../options/webhooks-config';

/** Rows per DELETE: each statement is short, so no long lock blocks inserts or the workers. */
export const RETENTION_BATCH = 5000;

/** Deletes delivery logs older than options.logRetentionDays, a batch at a time. */
@Injectable()
export class LogRetentionService {
  private readonly logger = new Logger(LogRetentionService.name);
  private readonly retentionDays: number;

  constructor(
    private readonly logs: DeliveryLogRepository,
    config: WebhooksConfig,
  ) {
    this.retentionDays = config.logRetentionDays;
  }

  /** Returns how many logs were deleted. Deliveries still in flight are kept whatever their age. */
  async deleteExpired(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.logs.deleteFinishedOlderThan(this.retentionDays, RETENTION_BATCH);
      total += deleted;
      if (deleted < RETENTION_BATCH) break;
    }
    if (total > 0)
      this.logger.log(`Deleted ${total} delivery logs older than ${this.retentionDays} days`);
    return total;
  }
}
