import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { WEBHOOK_DELIVERY_QUEUE } from '../../src/modules/webhooks/delivery/webhook-queue';

/** Polls `read` until `done` accepts its value, or fails with the last value seen. */
export async function waitUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

/** The parts of a test app the delivery helpers read: its queue and its database. */
export interface DeliveryApp {
  app: INestApplication;
  dataSource: DataSource;
}

export function deliveryQueue(t: Pick<DeliveryApp, 'app'>): Queue {
  return t.app.get<Queue>(getQueueToken(WEBHOOK_DELIVERY_QUEUE));
}

/**
 * Ids of these webhooks' delivery jobs that are not finished: waiting (a paused queue's jobs
 * wait too), prioritized, delayed or running.
 */
export async function liveDeliveryJobs(
  queue: Queue,
  webhookIds: readonly string[],
): Promise<string[]> {
  const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active']);
  const wanted = new Set(webhookIds);
  // A job that finished between listing and loading comes back empty.
  return jobs.filter((job) => job && wanted.has(job.data?.webhookId)).map((job) => job.id!);
}

/** A webhook's delivery rows by status, e.g. { sending: 20, pending: 30 }. */
export async function statusCounts(
  dataSource: DataSource,
  webhookId: string,
): Promise<Record<string, number>> {
  const rows: Array<{ status: string; n: number }> = await dataSource.query(
    `SELECT status, count(*)::int AS n FROM webhook_logs WHERE webhook_id = $1 GROUP BY status`,
    [webhookId],
  );
  return Object.fromEntries(rows.map(({ status, n }) => [status, n]));
}

/** How many of these webhooks' log rows are not final yet (neither success nor failed). */
export async function openDeliveries(
  dataSource: DataSource,
  webhookIds: readonly string[],
): Promise<number> {
  const [{ open }] = await dataSource.query(
    `SELECT count(*)::int AS open FROM webhook_logs
      WHERE webhook_id = ANY($1::uuid[]) AND status NOT IN ('success', 'failed')`,
    [webhookIds],
  );
  return open;
}

/**
 * Waits until these webhooks have nothing left to send: every log row of theirs is final and
 * no job of theirs is waiting, delayed or running. A final row is never claimed again and every
 * queued send is a job, so from then on what a receiver got for them is all it will ever get:
 * an assertion that something was NOT sent is final, not a matter of waiting long enough.
 */
export async function waitUntilSettled(
  t: DeliveryApp,
  webhookIds: readonly string[],
  timeoutMs = 15000,
): Promise<void> {
  const queue = deliveryQueue(t);
  await waitUntil(
    async () => ({
      open: await openDeliveries(t.dataSource, webhookIds),
      liveJobs: await liveDeliveryJobs(queue, webhookIds),
    }),
    ({ open, liveJobs }) => open === 0 && liveJobs.length === 0,
    timeoutMs,
  );
}

/**
 * Waits until some Postgres backend is waiting for a lock that backend `holderPid` holds and
 * runs a statement `blocked` accepts; returns that statement. This shows that a concurrent
 * request has really reached the write that must wait, however slow the machine.
 */
export async function waitUntilBlockedBy(
  dataSource: DataSource,
  holderPid: number,
  blocked: (query: string) => boolean,
): Promise<string> {
  const waiting = await waitUntil(
    async () =>
      (
        await dataSource.query(
          `SELECT query FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))`,
          [holderPid],
        )
      ).map((row: { query: string }) => row.query) as string[],
    (queries) => queries.some(blocked),
  );
  return waiting.find(blocked)!;
}
