import { randomUUID } from 'node:crypto';
import type { BenchContext } from './bench-app';
import { DuringRun, ledgerRun } from './ledger';
import { Scenario } from './report';

export interface LedgerSize {
  ratePerSecond: number;
  seconds: number;
}

/** The exact-ledger run against one endpoint of a tenant of its own. */
export async function ledgerScenario(
  context: BenchContext,
  size: LedgerSize,
  options: { name?: string; during?: DuringRun; delayedOverMs?: number } = {},
): Promise<Scenario> {
  const tenantId = randomUUID();
  await context.endpoint(tenantId);
  await context.receiver.reset();
  return ledgerRun({
    name:
      options.name ??
      `6. exact ledger, ${size.ratePerSecond}/s offered for ${size.seconds} s (scheduled→received)`,
    ...size,
    drainSeconds: 30,
    receiver: context.receiver,
    during: options.during,
    delayedOverMs: options.delayedOverMs,
    trigger: (eventId) =>
      context.webhooks.triggerEvent(tenantId, 'message.sent', { eventId }, { eventId }),
    successRows: async () => {
      const [{ done }] = await context.db.query(
        `SELECT count(*)::int AS done FROM webhook_logs WHERE tenant_id = $1 AND status = 'success'`,
        [tenantId],
      );
      return done;
    },
  });
}
