import { ConnectionOptions, Processor, Queue, RedisOptions, Worker, WorkerOptions } from 'bullmq';

/**
 * BullMQ connection settings by role (docs/decisions.md, "Redis connections: producers fail
 * fast, workers wait").
 *
 * A producer (Queue) fails a command at once while Redis is unreachable, so an API request or
 * a relay pass never waits on it: the delivery row is in Postgres and the relay enqueues it
 * later.
 */
export function producerConnection(url: string): ConnectionOptions {
  return { url, enableOfflineQueue: false, retryStrategy: reconnectDelayMs };
}

/**
 * Milliseconds before reconnection attempt `times`. BullMQ's own strategy grows to 20 s, so
 * after an outage of more than a few seconds workers would wait up to 20 s more once Redis is
 * back; a reconnect attempt costs one TCP connect, so 2 s is a cheap ceiling.
 */
export function reconnectDelayMs(times: number): number {
  return Math.min(Math.max(times, 1) * 200, 2000);
}

/**
 * A worker's commands wait for the reconnect instead. BullMQ's worker loop pauses before
 * retrying only after the errors it knows as connection errors; ioredis's "offline queue is
 * off" rejection is not one, so a worker with a producer's settings retried at once, forever,
 * and starved the event loop (no reconnect, no HTTP answers read, no SIGTERM handled).
 */
const WORKER_SETTINGS = {
  enableOfflineQueue: true,
  maxRetriesPerRequest: null,
  retryStrategy: reconnectDelayMs,
} as const;

export function workerConnection(url: string): ConnectionOptions {
  return { url, ...WORKER_SETTINGS };
}

/**
 * A Worker for `queue`, at its prefix, with a worker's settings whatever the queue was
 * registered with: `connection` (a Redis Cluster's worker template), or else the queue's own
 * Redis address. @nestjs/bullmq would build a processor's Worker from its queue's options as
 * they are, so a queue with a producer's settings builds its Worker here.
 */
export function workerOf<Data>(
  queue: Queue<Data>,
  processor: Processor<Data>,
  opts: Omit<WorkerOptions, 'connection' | 'prefix'>,
  connection: ConnectionOptions = {
    ...(queue.opts.connection as RedisOptions),
    ...WORKER_SETTINGS,
  },
): Worker<Data> {
  return new Worker<Data>(queue.name, processor, {
    ...opts,
    prefix: queue.opts.prefix,
    connection,
  });
}
