import { Queue, RedisClient } from 'bullmq';
import type Redis from 'ioredis';
import { withTimeout } from '../support/with-timeout';

/** How long shutdown waits for a queue's connection before treating it as never made. */
const CONNECTION_CHECK_MS = 1000;

/**
 * Whether this connection reaches Redis now: it answers a PING within 1 s. Its status alone
 * can still say `ready` just after Redis went away.
 */
export async function isConnectionReady(client: Promise<RedisClient>): Promise<boolean> {
  // BullMQ's Redis backend clients are ioredis clients.
  const ping = client.then((connected) => (connected as unknown as Redis).ping());
  return withTimeout(ping, CONNECTION_CHECK_MS, 'no answer').then(
    () => true,
    () => false,
  );
}

/**
 * With Redis unreachable, BullMQ's close sends QUIT, which fails at once without an offline
 * queue (Nest then exits 1) and waits for Redis's return with one (a command is queued). Such
 * a connection is dropped instead; with Redis reachable the queue closes normally.
 */
export async function dropConnectionIfUnreachable(queue: Queue): Promise<void> {
  const backend = queue.getBackend();
  const client = await withTimeout(backend.client, CONNECTION_CHECK_MS, 'not connected').catch(
    // Never connected: BullMQ's close only disconnects then.
    () => null,
  );
  if (client && !(await isConnectionReady(backend.client))) await backend.close(true);
}
