import { Logger } from '@nestjs/common';
import { Worker } from 'bullmq';
import { withTimeout } from '../support/with-timeout';
import { isConnectionReady } from './queue-shutdown';

/** How long a graceful close may take with Redis reachable (BullMQ marks the last jobs done). */
const GRACEFUL_CLOSE_MS = 1000;

/**
 * The jobs a processor is running, from the moment BullMQ hands one over until it is done, so
 * shutdown knows what it waits for; once shutdown began, `closing` tells a job not to start.
 */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();
  private stopped = false;

  get size(): number {
    return this.pending.size;
  }

  get closing(): boolean {
    return this.stopped;
  }

  close(): void {
    this.stopped = true;
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const forget = () => this.pending.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Resolves once everything tracked, including what starts meanwhile, has settled. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled(this.pending);
  }
}

/**
 * SIGTERM for a BullMQ worker: stop taking jobs, let the jobs it holds finish within `graceMs`
 * (an outcome is recorded in Postgres; a job that had not started its work by then does not
 * start it), then close. With Redis reachable the close is graceful, so BullMQ records every
 * job's end; with Redis unreachable a graceful close waits for Redis forever, so the worker
 * is closed at once: a job Redis did not hear about is taken by another worker once its lock
 * expires, and dropped there when its row is final.
 */
export function closeWorker(
  worker: Worker,
  inFlight: InFlight,
  graceMs: number,
  logger: Logger,
  what: string,
): Promise<void> {
  return closeWorkers([worker], inFlight, graceMs, logger, what);
}

/**
 * The same for the workers of several queues (one per delivery shard) that share one
 * `inFlight`: all stop taking jobs at once, the grace is waited for once, and each worker is
 * then closed by itself, so a shard whose Redis node is down does not hold up the others.
 */
export async function closeWorkers(
  workers: readonly Worker[],
  inFlight: InFlight,
  graceMs: number,
  logger: Logger,
  what: string,
): Promise<void> {
  inFlight.close();
  logger.log(
    `Shutting down: waiting for ${inFlight.size} in-flight ${what} (at most ${graceMs / 1000} s)`,
  );
  await Promise.all(workers.map((worker) => worker.pause(true)));
  const finished = await withTimeout(inFlight.settled(), graceMs, 'timeout').then(
    () => true,
    () => false,
  );
  if (!finished)
    logger.warn(`${inFlight.size} in-flight ${what} did not finish within ${graceMs} ms`);
  await Promise.all(workers.map((worker) => closeOne(worker, logger, what)));
}

async function closeOne(worker: Worker, logger: Logger, what: string): Promise<void> {
  if (!(await isConnectionReady(worker.getBackend().client))) return worker.close(true);
  await withTimeout(worker.close(), GRACEFUL_CLOSE_MS, 'timeout').catch(async () => {
    // Redis went away meanwhile: dropping the connections ends the close (for @nestjs/bullmq too).
    logger.warn(`The ${what} worker did not close within ${GRACEFUL_CLOSE_MS} ms`);
    await worker.getBackend().disconnect();
  });
}
