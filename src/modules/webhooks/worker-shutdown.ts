import { Logger } from '@nestjs/common';
import { Worker } from 'bullmq';
import { withTimeout } from '../../common/with-timeout';

/** The work a processor has started and not finished, so shutdown knows what it waits for. */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  get size(): number {
    return this.pending.size;
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
 * SIGTERM for a BullMQ worker: stop taking jobs, let the work in flight finish within
 * `graceMs` (its outcome is recorded in Postgres), then close without waiting for Redis: a
 * graceful close waits until Redis has heard about every job, forever while it is down. A job
 * Redis did not hear about is taken by another worker once its lock expires, and dropped there
 * when its row is final.
 */
export async function closeWorker(
  worker: Worker,
  inFlight: InFlight,
  graceMs: number,
  logger: Logger,
  what: string,
): Promise<void> {
  logger.log(
    `Shutting down: waiting for ${inFlight.size} in-flight ${what} (at most ${graceMs / 1000} s)`,
  );
  await worker.pause(true);
  const finished = await withTimeout(inFlight.settled(), graceMs, 'timeout').then(
    () => true,
    () => false,
  );
  if (!finished)
    logger.warn(`${inFlight.size} in-flight ${what} did not finish within ${graceMs} ms`);
  // What follows the work (a retry's delay, BullMQ marking the job done) is written to a
  // reachable Redis within this turn of the event loop; closing then still flushes it.
  await new Promise((resolve) => setImmediate(resolve));
  await worker.close(true);
}
