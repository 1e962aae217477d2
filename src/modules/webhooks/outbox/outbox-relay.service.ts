import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DeliveryLogRepository, OverdueRow } from '../delivery-logs/delivery-log.repository';
import { DeliveryRef } from '../delivery/webhook-queue';
import { FailureStreak, streakMessages } from '../support/failure-streak';
import { WebhookMetrics } from '../metrics/webhook-metrics';
import { RELAY_GRACE_MS, RELAY_INTERVAL_MS } from '../delivery/delivery-lifecycle';
import { DeliveryQueue } from './delivery-queue.service';
import { WebhooksConfig } from '../options/webhooks-config';

const BATCH = 500;
/** Pages one pass reads past rows of unreachable shards (5,000 rows). */
const MAX_PAGES = 10;
/** One relay at a time across all processes; the others skip their turn. */
export const RELAY_LOCK_KEY = 727_001;

/**
 * The outbox relay: Postgres is the source of truth, so every due delivery row without a live
 * job is put back on the queue. Safe to run in many processes (advisory lock, idempotent
 * jobIds, and the processor's claim ignores rows that are already final).
 */
@Injectable()
export class OutboxRelay implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly failures = new FailureStreak(this.logger, streakMessages('Relay passes'));
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly logs: DeliveryLogRepository,
    private readonly queue: DeliveryQueue,
    private readonly metrics: WebhookMetrics,
    private readonly config: WebhooksConfig,
  ) {}

  onModuleInit(): void {
    if (!this.config.workerEnabled) return;
    this.timer = setInterval(() => void this.tick(), RELAY_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /**
   * Re-enqueues overdue rows; returns how many jobs it created. While a shard cannot be asked
   * (its Redis master is down) its rows, the oldest, could fill every batch: the pass then
   * pages on, oldest first, so the other shards' rows are not held up behind them.
   */
  async relayOnce(): Promise<number> {
    return this.logs.transaction(async (logs) => {
      if (!(await logs.tryLock(RELAY_LOCK_KEY))) return 0;
      let relayed = 0;
      let after: OverdueRow | null = null;
      let failure: unknown = null;
      let answered = false;
      for (let page = 0; page < MAX_PAGES; page++) {
        const rows = await logs.overdue(RELAY_GRACE_MS, BATCH, null, after);
        if (rows.length === 0) break;
        let unreachable: number;
        try {
          const checked = await this.queue.withoutLiveJob(rows);
          relayed += await this.relay(logs, checked.missing);
          ({ unreachable } = checked);
          answered = true;
        } catch (error) {
          // No shard of this page answered.
          failure ??= error;
          unreachable = 1;
        }
        if (unreachable === 0 || rows.length < BATCH) break;
        after = rows[rows.length - 1];
      }
      if (!answered && failure) throw failure;
      return relayed;
    });
  }

  private async relay(logs: DeliveryLogRepository, missing: DeliveryRef[]): Promise<number> {
    if (missing.length === 0) return 0;
    // A busy worker finishes many rows while Redis is being asked; only those still due get a
    // job again.
    const stillDue = await logs.overdue(
      RELAY_GRACE_MS,
      BATCH,
      missing.map((row) => row.id),
    );
    await this.queue.enqueueOrThrow(stillDue);
    this.metrics.relayed.inc(stillDue.length);
    if (stillDue.length > 0) {
      this.logger.warn(`Relayed ${stillDue.length} deliveries that had no queued job`);
    }
    return stillDue.length;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.relayOnce();
    try {
      await this.running;
      this.failures.succeeded();
    } catch (error) {
      this.failures.failed(error as Error);
    } finally {
      this.running = undefined;
    }
  }
}
