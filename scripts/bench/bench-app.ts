import { getQueueToken } from '@nestjs/bullmq';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { Queue, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { setupApp } from '../../src/app.setup';
import { WebhookHttpClient } from '../../src/modules/webhooks/delivery/webhook-http-client';
import { WebhookRegistryService } from '../../src/modules/webhooks/endpoints/webhook-registry.service';
import { WEBHOOK_DELIVERY_QUEUE } from '../../src/modules/webhooks/delivery/webhook-queue';
import { WebhooksService } from '../../src/modules/webhooks/webhooks.service';
import type { Receiver } from './bench';
import { DAY_MS } from '../../src/modules/webhooks/partitions/day-partitions';
import { fillFinished } from './fill';
import { successCount } from './success-count';
import { BARE_BULLMQ_LIMIT, percentile, RAW_HTTP_LIMIT, Scenario } from './report';
import { DeliveryProcesses, machineCpuTicks } from './usage';

/** How many triggerEvent calls are in flight at once while loading the queue. */
const TRIGGER_PARALLELISM = 100;

/** What a run to the last `success` took: wall time, and CPU time per delivery. */
interface Run {
  seconds: number;
  detail: Record<string, string | number>;
}

/** What the scenarios kept in files of their own drive the service with. */
export interface BenchContext {
  app: INestApplication;
  webhooks: WebhooksService;
  db: DataSource;
  receiver: Receiver;
  /** A webhook of the tenant subscribed to message.sent at the receiver; returns its id. */
  endpoint(tenantId: string): Promise<string>;
  /** The example app's HTTP API on a free loopback port (`http://127.0.0.1:<port>`). */
  baseUrl: string;
  /** An `Authorization` header value for a caller of the tenant, as the example app signs them. */
  bearer(tenantId: string): string;
}

/**
 * The service as it runs in production, driven by scenarios: this process triggers events
 * (and delivers them too, unless worker processes do).
 */
export class BenchApp {
  private constructor(
    private readonly app: INestApplication,
    private readonly receiver: Receiver,
    private readonly processes: DeliveryProcesses,
    private readonly webhooks: WebhooksService,
    private readonly registry: WebhookRegistryService,
    private readonly db: DataSource,
  ) {}

  static async start(
    receiver: Receiver,
    startProcesses: () => Promise<DeliveryProcesses>,
  ): Promise<BenchApp> {
    // The HTTP API too, as main.ts serves it: the portal and filter scenarios go through it.
    const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
    setupApp(app);
    await app.listen(0, '127.0.0.1');
    return new BenchApp(
      app,
      receiver,
      await startProcesses(),
      app.get(WebhooksService),
      app.get(WebhookRegistryService),
      app.get(DataSource),
    );
  }

  get context(): BenchContext {
    const { app, webhooks, db, receiver } = this;
    const { port } = app.getHttpServer().address() as AddressInfo;
    const jwt = app.get(JwtService);
    return {
      app,
      webhooks,
      db,
      receiver,
      endpoint: (tenantId) => this.endpoint(tenantId),
      baseUrl: `http://127.0.0.1:${port}`,
      bearer: (tenantId) => `Bearer ${jwt.sign({ sub: 'bench', tenantId, roles: [] })}`,
    };
  }

  async close(): Promise<void> {
    await this.processes.stop();
    await this.app.close();
  }

  /** Limit: BullMQ adding and processing no-op jobs, same Redis, prefix and concurrency. */
  async bareBullmq(jobs: number): Promise<Scenario> {
    const deliveryQueue = this.app.get<Queue>(getQueueToken(WEBHOOK_DELIVERY_QUEUE));
    const connection = { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' };
    const options = { connection, prefix: deliveryQueue.opts.prefix };
    const queue = new Queue('bench-bare', options);
    let done = 0;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const worker = new Worker('bench-bare', async () => undefined, {
      ...options,
      connection: { ...connection, maxRetriesPerRequest: null },
      concurrency: Number(process.env.WEBHOOK_WORKER_CONCURRENCY),
    });
    worker.on('completed', () => {
      if (++done === jobs) finish();
    });
    const started = performance.now();
    for (let i = 0; i < jobs; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, jobs - i) }, (_, k) => ({
        name: 'noop',
        data: { logId: randomUUID(), webhookId: randomUUID(), n: i + k },
        opts: { removeOnComplete: true },
      }));
      await queue.addBulk(batch);
    }
    await finished;
    const seconds = (performance.now() - started) / 1000;
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    return {
      name: BARE_BULLMQ_LIMIT,
      kind: 'limit',
      count: jobs,
      seconds,
      perSecond: jobs / seconds,
    };
  }

  /** Limit: the delivery HTTP client alone POSTing signed-size bodies to the same receiver. */
  /**
   * Limit: a raw keep-alive `http.request` loop, one socket per lane, posting the same body to
   * the same receiver at the same concurrency: what Node's HTTP stack alone reaches here.
   */
  async rawHttp(requests: number): Promise<Scenario> {
    const lanes = Number(process.env.WEBHOOK_WORKER_CONCURRENCY);
    const agent = new Agent({ keepAlive: true, maxSockets: lanes });
    const body = Buffer.from(BENCH_BODY);
    const target = new URL(this.receiver.url);
    const post = () =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            agent,
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method: 'POST',
            headers: { 'content-type': 'application/json', 'content-length': body.length },
          },
          (res) => {
            res.on('data', () => undefined);
            res.on('end', () => resolve(res.statusCode ?? 0));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const seconds = await runLanes(lanes, requests, async () => {
      const status = await post();
      if (status !== 200) throw new Error(`raw HTTP got ${status}`);
    });
    agent.destroy();
    await this.receiver.reset();
    return {
      name: RAW_HTTP_LIMIT,
      kind: 'limit',
      count: requests,
      seconds,
      perSecond: requests / seconds,
    };
  }

  /** The delivery HTTP client alone (SSRF lookup, deadline, excerpt), against the raw loop. */
  async deliveryHttpClient(requests: number): Promise<Scenario> {
    const http = this.app.get(WebhookHttpClient);
    const headers = { 'content-type': 'application/json' };
    const seconds = await runLanes(
      Number(process.env.WEBHOOK_WORKER_CONCURRENCY),
      requests,
      async () => {
        const result = await http.post(this.receiver.url, BENCH_BODY, headers, 10_000);
        if (result.statusCode !== 200)
          throw new Error(`delivery HTTP client got ${result.statusCode ?? result.error}`);
      },
    );
    await this.receiver.reset();
    return {
      name: 'delivery HTTP client alone',
      kind: 'component',
      comparedWith: RAW_HTTP_LIMIT,
      count: requests,
      seconds,
      perSecond: requests / seconds,
    };
  }

  /** Scenario 1: events to one endpoint, timed until every log is `success`. */
  async throughput(name: string, events: number): Promise<Scenario> {
    const tenantId = randomUUID();
    await this.endpoint(tenantId);
    const { seconds, detail } = await this.deliverAll(tenantId, events, events);
    return { name, kind: 'service', count: events, seconds, perSecond: events / seconds, detail };
  }

  /** Scenario 2: events fanned out to several endpoints of one tenant. */
  async fanout(events: number, endpoints: number): Promise<Scenario> {
    const tenantId = randomUUID();
    for (let i = 0; i < endpoints; i++) await this.endpoint(tenantId);
    const deliveries = events * endpoints;
    const { seconds, detail } = await this.deliverAll(tenantId, events, deliveries);
    return {
      name: `2. fan-out, ${endpoints} endpoints`,
      kind: 'service',
      count: deliveries,
      seconds,
      perSecond: deliveries / seconds,
      detail: { events, ...detail },
    };
  }

  /** Scenario 3: a steady rate; latency from the triggerEvent call to the receiver's receipt. */
  async latency(ratePerSecond: number, seconds: number): Promise<Scenario> {
    const tenantId = randomUUID();
    await this.endpoint(tenantId);
    await this.receiver.reset();
    const total = ratePerSecond * seconds;
    const intervalMs = 1000 / ratePerSecond;
    const started = performance.now();
    const calls: Array<Promise<unknown>> = [];
    for (let i = 0; i < total; i++) {
      const due = started + i * intervalMs;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const sentAt = performance.timeOrigin + performance.now();
      calls.push(this.webhooks.triggerEvent(tenantId, 'message.sent', { sentAt, i }));
    }
    await Promise.all(calls);
    const latencies: number[] = [];
    const deadline = Date.now() + 60_000;
    while (latencies.length < total && Date.now() < deadline) {
      await sleep(100);
      for (const [sent, received] of (await this.receiver.arrivals()).arrivals)
        latencies.push(received - sent);
    }
    latencies.sort((a, b) => a - b);
    return {
      name: `3. latency at ${ratePerSecond}/s for ${seconds} s`,
      kind: 'service',
      count: latencies.length,
      seconds,
      latencyMs: {
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
        max: latencies[latencies.length - 1],
      },
    };
  }

  /** Scenario 4a: the same throughput run on an emptied log table and on one with many rows. */
  async costGrowth(events: number, prefillRows: number): Promise<Scenario[]> {
    // Every table of the module's log layout, whichever it is (events and keys, if any).
    await this.db.query(
      `DO $$ BEGIN EXECUTE (SELECT 'TRUNCATE ' || string_agg(quote_ident(relname), ', ')
         FROM pg_class WHERE relname IN ('webhook_logs', 'webhook_events', 'webhook_event_keys')
          AND relkind IN ('r', 'p') AND relnamespace = current_schema()::regnamespace); END $$`,
    );
    const empty = await this.throughput('4a. throughput, empty webhook_logs', events);
    const started = performance.now();
    await this.prefillLogs(prefillRows);
    const prefillSeconds = (performance.now() - started) / 1000;
    const full = await this.throughput(
      `4a. throughput, ${prefillRows.toLocaleString('en-US')} log rows`,
      events,
    );
    full.detail = {
      ...full.detail,
      'change vs empty': `${(((full.perSecond! - empty.perSecond!) / empty.perSecond!) * 100).toFixed(1)}%`,
      'prefill s': prefillSeconds.toFixed(1),
    };
    return [empty, full];
  }

  /**
   * Scenario 4b: the cost of one triggerEvent (matching + outbox insert) with one tenant of 3
   * webhooks, then with many tenants of 3 webhooks each. Calls run in rolled-back
   * transactions, so nothing is delivered and only the SQL side is measured.
   */
  async triggerCost(tenants: number, samples: number): Promise<Scenario[]> {
    const single = randomUUID();
    const template = await this.endpoint(single);
    await this.endpoint(single);
    await this.endpoint(single);
    const one = await this.timeTriggers(() => single, samples);

    const tenantIds = Array.from({ length: tenants }, () => randomUUID());
    await this.db.query(
      `INSERT INTO webhooks (tenant_id, name, url, events, headers, retry_policy, timeout_ms, secret)
       SELECT t.id, w.name, w.url, w.events, w.headers, w.retry_policy, w.timeout_ms, w.secret
         FROM unnest($1::uuid[]) AS t(id), generate_series(1, 3), webhooks w
        WHERE w.id = $2`,
      [tenantIds, template],
    );
    await this.db.query('ANALYZE webhooks');
    const many = await this.timeTriggers(
      () => tenantIds[Math.floor(Math.random() * tenants)],
      samples,
    );
    return [
      {
        name: '4b. triggerEvent, 1 tenant x 3 webhooks',
        kind: 'cost',
        count: samples,
        detail: one,
      },
      {
        name: `4b. triggerEvent, ${tenants.toLocaleString('en-US')} tenants x 3 webhooks`,
        kind: 'cost',
        count: samples,
        detail: many,
      },
    ];
  }

  /** Scenario 5: the worker's RSS before and after many deliveries (after a full GC). */
  async memory(deliveries: number): Promise<Scenario> {
    const tenantId = randomUUID();
    await this.endpoint(tenantId);
    const before = (await this.processes.usage()).rssMb;
    const batch = 10_000;
    const started = performance.now();
    for (let sent = 0; sent < deliveries; sent += batch) {
      const n = Math.min(batch, deliveries - sent);
      await this.deliverAll(tenantId, n, n, sent + n);
    }
    const seconds = (performance.now() - started) / 1000;
    const after = (await this.processes.usage()).rssMb;
    return {
      name: `5. memory over ${deliveries.toLocaleString('en-US')} deliveries`,
      kind: 'memory',
      count: deliveries,
      seconds,
      perSecond: deliveries / seconds,
      detail: {
        'RSS before MB': before,
        'RSS after MB': after,
        'growth MB': +(after - before).toFixed(1),
      },
    };
  }

  private async endpoint(tenantId: string): Promise<string> {
    const webhook = await this.registry.create(tenantId, {
      name: 'bench',
      url: this.receiver.url,
      events: ['message.sent'],
      retryPolicy: { maxAttempts: 3, backoff: 'fixed', initialDelayMs: 100, maxDelayMs: 1000 },
    });
    return webhook.id;
  }

  /**
   * Triggers `events` events, making `deliveries` deliveries, and waits until the tenant has
   * `expected` successful logs in all.
   */
  private async deliverAll(
    tenantId: string,
    events: number,
    deliveries: number,
    expected = deliveries,
  ): Promise<Run> {
    await this.receiver.reset();
    const cpuBefore = (await this.processes.usage()).cpuMicros;
    const machineBefore = machineCpuTicks();
    const started = performance.now();
    let next = 0;
    const lanes = Array.from({ length: TRIGGER_PARALLELISM }, async () => {
      while (next < events) {
        const n = next++;
        await this.webhooks.triggerEvent(tenantId, 'message.sent', { n });
      }
    });
    await Promise.all(lanes);
    // The receiver's count is cheap to ask for; the database confirms once it is reached.
    while ((await this.receiver.arrivals()).count < deliveries) await sleep(20);
    for (;;) {
      const done = await successCount(this.db, [tenantId]);
      if (done >= expected) break;
      await sleep(20);
    }
    const seconds = (performance.now() - started) / 1000;
    const cpuMicros = (await this.processes.usage()).cpuMicros - cpuBefore;
    const machineAfter = machineCpuTicks();
    const detail: Run['detail'] = { 'service CPU µs/delivery': Math.round(cpuMicros / deliveries) };
    if (machineBefore && machineAfter) {
      const busy =
        (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
      detail['machine CPU busy'] = `${Math.round(busy * 100)}%`;
    }
    return { seconds, detail };
  }

  private async timeTriggers(
    tenantFor: () => string,
    samples: number,
  ): Promise<Record<string, number>> {
    const micros: number[] = [];
    for (let i = 0; i < samples; i++) {
      const tenantId = tenantFor();
      await this.db
        .transaction(async (manager) => {
          const started = performance.now();
          await this.webhooks.triggerEvent(tenantId, 'message.sent', { i }, { manager });
          micros.push((performance.now() - started) * 1000);
          throw new RolledBack();
        })
        .catch((error: unknown) => {
          if (!(error instanceof RolledBack)) throw error;
        });
    }
    micros.sort((a, b) => a - b);
    return {
      'mean µs': Math.round(micros.reduce((sum, v) => sum + v, 0) / micros.length),
      'p50 µs': Math.round(percentile(micros, 50)),
      'p99 µs': Math.round(percentile(micros, 99)),
    };
  }

  /** Finished deliveries on each of the last 30 days, in whichever layout the tables have. */
  private async prefillLogs(rows: number): Promise<void> {
    const tenantId = randomUUID();
    const webhookId = await this.endpoint(tenantId);
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const days = Array.from({ length: 30 }, (_, i) => today - (i + 1) * DAY_MS);
    const eventsPerDay = Math.ceil(rows / days.length);
    await fillFinished(this.db, { tenantId, webhookIds: [webhookId], eventsPerDay, days });
  }
}

class RolledBack extends Error {}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The body every HTTP limit and component run posts: an envelope like a delivery's. */
const BENCH_BODY = JSON.stringify({
  id: 'evt_bench',
  type: 'message.sent',
  timestamp: '2026-01-15T10:30:00.000Z',
  data: { n: 1 },
});

/** Runs `call` `total` times over `lanes` concurrent loops; returns the seconds it took. */
async function runLanes(lanes: number, total: number, call: () => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next++ < total) await call();
    }),
  );
  return (performance.now() - started) / 1000;
}
