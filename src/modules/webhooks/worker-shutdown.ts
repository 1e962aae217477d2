import { Logger } from '@nestjs/common';
import { Worker } from 'bullmq';
import Redis from 'ioredis';
import { withTimeout } from '../../common/with-timeout';

/**
 * SIGTERM for a BullMQ worker: stop taking jobs and let in-flight ones finish within
 * `graceMs`. With Redis unreachable nothing could be acknowledged anyway (and a graceful
 * close would wait for Redis forever), so the worker closes at once; jobs it held go to
 * another worker when their locks expire.
 */
export async function closeWorker(
  worker: Worker,
  redis: Redis,
  graceMs: number,
  logger: Logger,
): Promise<void> {
  if (redis.status !== 'ready') {
    await worker.close(true);
    return;
  }
  const closed = await withTimeout(worker.close(), graceMs, 'timeout').then(
    () => true,
    () => false,
  );
  if (!closed) logger.warn(`In-flight jobs did not finish within ${graceMs} ms`);
}
