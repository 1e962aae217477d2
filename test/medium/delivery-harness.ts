import { LoggerService } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppEnv, parseEnv } from '../../src/config/env';
import { typeOrmOptions } from '../../src/database/typeorm-options';
import { Registry } from 'prom-client';
import { JwtAuthGuard } from '../../src/common/auth/jwt-auth.guard';
import { webhooksOptionsFrom } from '../../src/config/webhooks-options';
import { WebhookMetrics } from '../../src/modules/webhooks/metrics/webhook-metrics';
import { WebhooksConfig } from '../../src/modules/webhooks/options/webhooks-config';
import { DeliveryClaims } from '../../src/modules/webhooks/delivery/delivery-claims';
import {
  AttemptOptions,
  DeliveryOutcome,
  WebhookDeliveryService,
} from '../../src/modules/webhooks/delivery/webhook-delivery.service';
import { DeliveryLogRepository } from '../../src/modules/webhooks/delivery-logs/delivery-log.repository';
import {
  HttpAttemptResult,
  WebhookHttpClient,
} from '../../src/modules/webhooks/delivery/webhook-http-client';
import { RetryPolicy } from '../../src/modules/webhooks/endpoints/retry-policy';
import { buildEventEnvelope } from '../../src/modules/webhooks/events/event-envelope';
import { writeOutbox } from '../../src/modules/webhooks/outbox/outbox-writer';
import {
  WEBHOOKS_REDIS,
  webhooksRedisProvider,
} from '../../src/modules/webhooks/redis/webhooks-redis';
import { WebhookSecretCipher } from '../../src/modules/webhooks/secrets/webhook-secret-cipher';
import { WebhookRateLimiter } from '../../src/modules/webhooks/throttling/webhook-rate-limiter';
import { DeliveryJobData } from '../../src/modules/webhooks/delivery/webhook-queue';
import { generateSecret } from '../../src/modules/webhooks/endpoints/validation/webhook-secret';
import { appLogSink } from '../setup/app-log-sink';
import { DeliveryFailureRecorder } from '../../src/modules/webhooks/operational/delivery-failure-recorder';
import { OperationalEvents } from '../../src/modules/webhooks/operational/operational-events';
import { OperationalListeners } from '../../src/modules/webhooks/operational/operational-listeners';
import { EventCatalog } from '../../src/modules/webhooks/events/event-catalog';
import { DeliveryQueue } from '../../src/modules/webhooks/outbox/delivery-queue.service';

/** One POST the service made through the fake client. */
export interface SentRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/**
 * Stands for the network: each post() answers with the next scripted result (200 once the
 * script runs out) and records what was sent.
 */
export class ScriptedHttpClient {
  readonly sent: SentRequest[] = [];
  private readonly script: HttpAttemptResult[] = [];

  answer(...results: Array<Partial<HttpAttemptResult> & { statusCode: number | null }>): void {
    this.script.push(...results.map(httpResult));
  }

  post(
    url: string,
    body: string,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<HttpAttemptResult> {
    this.sent.push({ url, body, headers, timeoutMs });
    return Promise.resolve(this.script.shift() ?? httpResult({ statusCode: 200 }));
  }
}

/** A result as WebhookHttpClient reports it: a non-2xx status is an error `HTTP <status>`. */
export function httpResult(
  result: Partial<HttpAttemptResult> & { statusCode: number | null },
): HttpAttemptResult {
  const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  return {
    responseBody: 'ok',
    responseTimeMs: 12,
    error: ok ? null : `HTTP ${result.statusCode}`,
    retryAfterMs: null,
    ...result,
  };
}

export interface WebhookOptions {
  tenantId?: string;
  url?: string;
  events?: string[];
  headers?: Record<string, string>;
  retryPolicy?: Partial<RetryPolicy>;
  timeoutMs?: number;
  isActive?: boolean;
  rateLimitPerSecond?: number;
}

export interface CreatedWebhook {
  id: string;
  tenantId: string;
  /** The plain signing secret, as the create route returns it. */
  secret: string;
}

/** The columns of a webhook_logs row the specs assert on. */
export interface LogRow {
  id: string;
  status: string;
  attempt_count: number;
  attempts: Array<{ attempt: number; statusCode: number | null; error: string | null }>;
  response_status: number | null;
  response_body: string | null;
  error_message: string | null;
  next_attempt_at: Date | null;
  updated_at: Date;
  completed_at: Date | null;
}

/** The columns of a webhooks row the specs assert on. */
export interface WebhookRow {
  is_active: boolean;
  disabled_reason: string | null;
  total_deliveries: number;
  successful_deliveries: number;
  failed_deliveries: number;
  consecutive_failures: number;
  failing_since: Date | null;
  last_success_at: Date | null;
  last_failure_at: Date | null;
}

export interface DeliveryHarness {
  moduleRef: TestingModule;
  db: DataSource;
  http: ScriptedHttpClient;
  /**
   * The real service under test: rate-limit slot, claim, sign, send (through the fake),
   * record. A log id alone is a job that reserved no slot yet.
   */
  attempt(delivery: string | DeliveryJobData, options?: AttemptOptions): Promise<DeliveryOutcome>;
  /** The repository the service stores through, for the moves the routes make. */
  logs: DeliveryLogRepository;
  createWebhook(options?: WebhookOptions): Promise<CreatedWebhook>;
  /** Writes one event's pending deliveries with the real outbox writer; returns the log ids. */
  trigger(tenantId: string, data?: Record<string, unknown>): Promise<string[]>;
  log(logId: string): Promise<LogRow>;
  webhook(webhookId: string): Promise<WebhookRow>;
  close(): Promise<void>;
}

const DEFAULT_POLICY: RetryPolicy = {
  maxAttempts: 3,
  backoff: 'fixed',
  initialDelayMs: 1000,
  maxDelayMs: 60_000,
};

/**
 * Nest's own log lines (the service's warnings) go to the test environment's sink, printed
 * only for a failing test, like the e2e apps' logs.
 */
const sinkLogger: LoggerService = {
  log: () => undefined,
  warn: (message: unknown) => appLogSink()?.write(`WARN ${String(message)}\n`),
  error: (message: unknown) => appLogSink()?.write(`ERROR ${String(message)}\n`),
};

/**
 * Only what WebhookDeliveryService.attempt needs, against this run's real, migrated database
 * and Redis (rate-limit slots, under a queue prefix of this harness's own): no queue, no
 * worker, no relay, no HTTP server. The HTTP client is scripted; `env` overrides the validated
 * environment (auto-disable thresholds).
 */
export async function startDeliveryHarness(
  env: Record<string, string> = {},
): Promise<DeliveryHarness> {
  const config: AppEnv = parseEnv({
    ...process.env,
    QUEUE_PREFIX: `medium-${randomUUID()}`,
    ...env,
  });
  const options = webhooksOptionsFrom(config, {} as JwtAuthGuard, new Registry());
  const http = new ScriptedHttpClient();
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot(
        typeOrmOptions({ DATABASE_URL: config.DATABASE_URL, DB_MIGRATIONS_RUN: true }),
      ),
    ],
    providers: [
      WebhookDeliveryService,
      DeliveryLogRepository,
      DeliveryClaims,
      WebhookRateLimiter,
      webhooksRedisProvider,
      WebhookSecretCipher,
      { provide: WebhookMetrics, useValue: new WebhookMetrics() },
      { provide: WebhooksConfig, useValue: WebhooksConfig.from(options) },
      { provide: WebhookHttpClient, useValue: http },
      // Operational events are written with the outcome; this tier has no queue to put them on.
      DeliveryFailureRecorder,
      OperationalEvents,
      OperationalListeners,
      { provide: EventCatalog, useValue: new EventCatalog() },
      { provide: DeliveryQueue, useValue: { enqueue: () => Promise.resolve(true) } },
    ],
  })
    .setLogger(sinkLogger)
    .compile();
  await moduleRef.init();
  const db = moduleRef.get(DataSource);
  const cipher = moduleRef.get(WebhookSecretCipher);
  const service = moduleRef.get(WebhookDeliveryService);
  const redis = moduleRef.get<Redis>(WEBHOOKS_REDIS);

  return {
    moduleRef,
    db,
    http,
    logs: moduleRef.get(DeliveryLogRepository),
    async attempt(delivery, options) {
      if (typeof delivery !== 'string') return service.attempt(delivery, options);
      const [{ webhook_id }] = await db.query(`SELECT webhook_id FROM webhook_logs WHERE id = $1`, [
        delivery,
      ]);
      return service.attempt({ logId: delivery, webhookId: webhook_id }, options);
    },
    async createWebhook(options = {}) {
      const tenantId = options.tenantId ?? randomUUID();
      const secret = generateSecret();
      const [{ id }] = await db.query(
        `INSERT INTO webhooks (tenant_id, name, url, events, headers, retry_policy, timeout_ms, is_active, secret, rate_limit_per_second)
         VALUES ($1, 'medium test', $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [
          tenantId,
          options.url ?? `https://receiver.test/${randomUUID()}`,
          options.events ?? ['message.sent'],
          JSON.stringify(options.headers ?? {}),
          JSON.stringify({ ...DEFAULT_POLICY, ...options.retryPolicy }),
          options.timeoutMs ?? 5000,
          options.isActive ?? true,
          cipher.encrypt(secret),
          options.rateLimitPerSecond ?? null,
        ],
      );
      return { id, tenantId, secret };
    },
    async trigger(tenantId, data = {}) {
      const eventId = `evt_${randomUUID()}`;
      const [refs] = await writeOutbox(db, [
        {
          tenantId,
          eventId,
          eventType: 'message.sent',
          payload: buildEventEnvelope(eventId, 'message.sent', data),
          patterns: ['message.sent', 'message.*', '*'],
        },
      ]);
      return refs.map((ref) => ref.id);
    },
    async log(logId) {
      const [row] = await db.query(`SELECT * FROM webhook_logs WHERE id = $1`, [logId]);
      return row as LogRow;
    },
    async webhook(webhookId) {
      const [row] = await db.query(`SELECT * FROM webhooks WHERE id = $1`, [webhookId]);
      return row as WebhookRow;
    },
    async close() {
      await moduleRef.close();
      redis.disconnect();
    },
  };
}

/** Every timer API jest can fake except Date: pg and the batchers keep their real timers. */
const REAL_TIMERS = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

/**
 * Freezes the service's clock (Date) at the current time; `advance` moves it on without
 * waiting. Postgres keeps its own clock, so rows stamped with now() stay in the real present.
 * Undo with jest.useRealTimers().
 */
export function controlClock(): { advance(ms: number): void } {
  jest.useFakeTimers({ doNotFake: [...REAL_TIMERS], now: Date.now() });
  return { advance: (ms) => jest.setSystemTime(Date.now() + ms) };
}

/** The delay a retry was scheduled with, as the row stores it (both times from one statement). */
export async function scheduledDelayMs(db: DataSource, logId: string): Promise<number> {
  const [{ delay }] = await db.query(
    `SELECT round(extract(epoch FROM next_attempt_at - updated_at) * 1000)::int AS delay
       FROM webhook_logs WHERE id = $1`,
    [logId],
  );
  return delay;
}
