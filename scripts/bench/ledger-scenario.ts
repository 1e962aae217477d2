import { randomUUID } from 'node:crypto';
import type { BenchContext } from './bench-app';
import { DuringRun, ledgerRun } from './ledger';
import { Scenario } from './report';
import { successCount } from './success-count';

export interface LedgerSize {
  ratePerSecond: number;
  seconds: number;
  /** Endpoints, each of a tenant of its own, the events go to in turn (default 1). */
  endpoints?: number;
}

/**
 * The exact-ledger run: each event to one endpoint, the endpoints (each of a tenant of its
 * own, so each event has one delivery) taken in turn; several spread over queue shards.
 */
export async function ledgerScenario(
  context: BenchContext,
  size: LedgerSize,
  options: { name?: string; during?: DuringRun; delayedOverMs?: number } = {},
): Promise<Scenario> {
  const tenantIds = Array.from({ length: size.endpoints ?? 1 }, () => randomUUID());
  for (const tenantId of tenantIds) await context.endpoint(tenantId);
  await context.receiver.reset();
  let turn = 0;
  const endpoints = tenantIds.length > 1 ? `, ${tenantIds.length} endpoints` : '';
  return ledgerRun({
    name:
      options.name ??
      `6. exact ledger, ${size.ratePerSecond}/s offered for ${size.seconds} s${endpoints} (scheduled→received)`,
    ratePerSecond: size.ratePerSecond,
    seconds: size.seconds,
    drainSeconds: 30,
    receiver: context.receiver,
    during: options.during,
    delayedOverMs: options.delayedOverMs,
    trigger: (eventId) => {
      const tenantId = tenantIds[turn++ % tenantIds.length];
      return context.webhooks.triggerEvent(tenantId, 'message.sent', { eventId }, { eventId });
    },
    successRows: () => successCount(context.db, tenantIds),
  });
}
