import { randomBytes, randomUUID } from 'node:crypto';
import type { BenchContext } from './bench-app';
import {
  buildEventEnvelope,
  MAX_EVENT_PAYLOAD_BYTES,
} from '../../src/modules/webhooks/events/event-envelope';
import { Scenario } from './report';
import { growth, moduleStorage } from './storage';
import { successCount } from './success-count';

/** Room left in the 256 KiB envelope for its id, type and timestamp. */
const ENVELOPE_ROOM = 200;
const PARALLEL_TRIGGERS = 4;

/**
 * Scenario 7: events with a 256 KiB payload fanned out to several endpoints, and what they
 * leave on disk: the growth of the module's tables (and of the whole benchmark database)
 * from before the first event to the moment every delivery is `success`, per event.
 * The payload is random base64, so TOAST compression cannot hide a copy.
 */
export async function storageScenario(
  context: BenchContext,
  events: number,
  endpoints: number,
): Promise<Scenario> {
  const tenantId = randomUUID();
  for (let i = 0; i < endpoints; i++) await context.endpoint(tenantId);
  await context.receiver.reset();
  const blobLength = MAX_EVENT_PAYLOAD_BYTES - ENVELOPE_ROOM;
  const before = await moduleStorage(context.db);
  const databaseBefore = await databaseBytes(context);
  const started = performance.now();
  let next = 0;
  let payloadBytes = 0;
  await Promise.all(
    Array.from({ length: PARALLEL_TRIGGERS }, async () => {
      while (next < events) {
        next++;
        const blob = randomBytes((blobLength * 3) / 4).toString('base64');
        await context.webhooks.triggerEvent(tenantId, 'message.sent', { blob });
        // The envelope as delivered: what one stored copy of the payload holds.
        const envelope = buildEventEnvelope(
          `evt_${randomUUID().replace(/-/g, '')}`,
          'message.sent',
          {
            blob,
          },
        );
        payloadBytes = Math.max(payloadBytes, Buffer.byteLength(envelope));
      }
    }),
  );
  const deliveries = events * endpoints;
  while ((await successCount(context.db, [tenantId])) < deliveries) await sleep(50);
  const seconds = (performance.now() - started) / 1000;
  const after = await moduleStorage(context.db);
  const databaseAfter = await databaseBytes(context);
  const perEvent = (after.bytes - before.bytes) / events;
  return {
    name: `7. storage, ${events} events of 256 KiB x ${endpoints} endpoints`,
    kind: 'storage',
    count: deliveries,
    seconds,
    perSecond: deliveries / seconds,
    detail: {
      'payload bytes': payloadBytes,
      'module tables bytes/event': Math.round(perEvent),
      'payload copies stored': +(perEvent / payloadBytes).toFixed(2),
      'database bytes/event': Math.round((databaseAfter - databaseBefore) / events),
      'grew most': growth(before, after)
        .filter(([, bytes]) => bytes >= 2 ** 16)
        .slice(0, 3)
        .map(([table, bytes]) => `${table} ${(bytes / 2 ** 20).toFixed(1)} MiB`)
        .join(' / '),
    },
  };
}

async function databaseBytes(context: BenchContext): Promise<number> {
  const [{ bytes }] = await context.db.query(
    `SELECT pg_database_size(current_database())::bigint AS bytes`,
  );
  return Number(bytes);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
