import { Injectable, Logger } from '@nestjs/common';
import { WebhooksConfig } from '../options/webhooks-config';
import { DayPartitions, DroppedDays } from '../partitions/day-partitions.service';

/**
 * The hourly maintenance: keeps the coming days' partitions ready and drops the days older
 * than options.logRetentionDays, whole, never row by row (DayPartitions says how neither
 * blocks triggerEvent or a delivery).
 */
@Injectable()
export class LogRetentionService {
  private readonly logger = new Logger(LogRetentionService.name);
  private readonly retentionDays: number;

  constructor(
    private readonly partitions: DayPartitions,
    config: WebhooksConfig,
  ) {
    this.retentionDays = config.logRetentionDays;
  }

  async run(): Promise<DroppedDays & { created: number }> {
    const created = await this.partitions.ensureAhead();
    const days = await this.partitions.dropExpired(this.retentionDays);
    if (days.dropped.length > 0) {
      this.logger.log(
        `Dropped ${days.dropped.join(', ')}: older than ${this.retentionDays} days`,
      );
    }
    return { ...days, created };
  }
}
