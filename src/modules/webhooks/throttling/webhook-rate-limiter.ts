import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WebhooksConfig } from '../options/webhooks-config';
import { queryRows } from '../database/query-rows';
import { WEBHOOKS_REDIS, WebhooksRedisClient } from '../redis/webhooks-redis';

/** How long a webhook's rateLimitPerSecond is trusted before it is read again. */
const SETTINGS_TTL_MS = 5000;

/**
 * Reserves the next free send slot of a webhook, spaced 1000/rate ms apart, and answers how
 * long to wait for it. Slots live in Redis, so the limit holds across every worker process;
 * Redis' own clock is used so workers' clocks need not agree. Each caller gets its own slot,
 * so waiting deliveries wake one by one instead of all retrying at once. The script touches one
 * key, so on a Redis Cluster it runs on that key's master with no hash tag needed.
 */
const RESERVE_SLOT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], slot + interval, 'PX', slot + interval - now + 1000)
return slot - now
`;

@Injectable()
export class WebhookRateLimiter {
  private readonly settings = new Map<string, { rate: number | null; expiresAt: number }>();
  private readonly keyPrefix: string;

  constructor(
    @Inject(WEBHOOKS_REDIS) private readonly redis: WebhooksRedisClient,
    @InjectDataSource() private readonly db: DataSource,
    config: WebhooksConfig,
  ) {
    this.keyPrefix = `${config.queuePrefix}:rate-limit:`;
  }

  /** Milliseconds to wait before this webhook may be sent to; 0 when it is not limited. */
  async reserve(webhookId: string): Promise<number> {
    const rate = await this.rateOf(webhookId);
    if (rate === null) return 0;
    const wait = await this.redis.eval(RESERVE_SLOT, 1, this.keyPrefix + webhookId, 1000 / rate);
    return Number(wait);
  }

  private async rateOf(webhookId: string): Promise<number | null> {
    const cached = this.settings.get(webhookId);
    if (cached && cached.expiresAt > Date.now()) return cached.rate;
    const [row] = await queryRows<{ rate: number | null }>(
      this.db,
      'SELECT rate_limit_per_second AS rate FROM webhooks WHERE id = $1',
      [webhookId],
    );
    const rate = row?.rate ?? null;
    this.settings.set(webhookId, { rate, expiresAt: Date.now() + SETTINGS_TTL_MS });
    return rate;
  }
}
