import { Logger } from '@nestjs/common';
import { FailureStreak } from '../support/failure-streak';
import type { IQueueBackend } from 'bullmq';

/** A BullMQ Queue or Worker: errors on itself, connection readiness on its backend. */
interface BullConnectionOwner {
  on(event: 'error', listener: (error: Error) => void): unknown;
  getBackend(): IQueueBackend;
}

/** An ioredis client. */
interface RedisClientEvents {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
}

/** Error codes and messages of a connection that failed or dropped, not of one command. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
const CONNECTION_ERROR_MESSAGES = /Connection is closed|Stream isn't writeable/;

export function isConnectionError(error: Error): boolean {
  const code = (error as Error & { code?: unknown }).code;
  return (
    (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) ||
    CONNECTION_ERROR_MESSAGES.test(error.message)
  );
}

/** One line when a component's connection goes down and one when it is back. */
function connectionStreak(component: string, logger: Logger): FailureStreak {
  return new FailureStreak(logger, {
    failing: (reason) => `Redis unreachable for ${component}: ${reason}`,
    recovered: (ms) => `Redis connection for ${component} restored after ${ms} ms`,
  });
}

/**
 * For a BullMQ Queue or Worker. The 'error' listener is needed anyway: without one BullMQ
 * prints each error raw with console.error, outside the JSON log lines. Errors that are not
 * about the connection (a lost job lock, say) are logged each time.
 */
export function logQueueConnectionState(
  component: string,
  owner: BullConnectionOwner,
  logger: Logger,
): void {
  const connection = connectionStreak(component, logger);
  owner.on('error', (error) => {
    if (isConnectionError(error)) connection.failed(error);
    else logger.warn(`${component}: ${error.message}`);
  });
  owner.getBackend().on('ready', () => connection.succeeded());
}

/** For a plain ioredis client, whose 'error' events are all about its connection. */
export function logClientConnectionState<C extends RedisClientEvents>(
  component: string,
  client: C,
  logger: Logger,
): C {
  const connection = connectionStreak(component, logger);
  client.on('error', (error) => connection.failed(error));
  client.on('ready', () => connection.succeeded());
  return client;
}
