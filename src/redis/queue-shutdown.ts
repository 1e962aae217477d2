import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Queue } from 'bullmq';
import { withTimeout } from '../common/with-timeout';

/** How long shutdown waits for a queue's connection before treating it as never made. */
const CONNECTION_CHECK_MS = 1000;

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
  if (client && client.status !== 'ready') await backend.close(true);
}

/**
 * Provided by the root module, whose shutdown hooks run before those of the modules it
 * imports: after the workers stopped (beforeApplicationShutdown) and before @nestjs/bullmq
 * closes each queue (onApplicationShutdown of their own modules).
 */
@Injectable()
export class QueueShutdown implements OnApplicationShutdown {
  constructor(private readonly discovery: DiscoveryService) {}

  async onApplicationShutdown(): Promise<void> {
    const queues = this.discovery
      .getProviders()
      .map(({ instance }) => instance as unknown)
      .filter((instance): instance is Queue => instance instanceof Queue);
    await Promise.all(queues.map(dropConnectionIfUnreachable));
  }
}
