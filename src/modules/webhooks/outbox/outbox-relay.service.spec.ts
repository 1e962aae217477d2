import { DeliveryLogRepository, OverdueRow } from '../delivery-logs/delivery-log.repository';
import { WebhookMetrics } from '../metrics/webhook-metrics';
import { WebhooksConfig } from '../options/webhooks-config';
import { DeliveryQueue } from './delivery-queue.service';
import { OutboxRelay } from './outbox-relay.service';

const row = (n: number, webhookId: string): OverdueRow => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  webhookId,
  createdAt: 0,
  dueAt: `2026-12-02 00:00:00.${String(n).padStart(6, '0')}+00`,
});

/** Overdue rows oldest first, paged like the repository's keyset query. */
function fakeLogs(rows: OverdueRow[]) {
  const logs = {
    transaction: (work: (repo: unknown) => unknown) => work(logs),
    tryLock: async () => true,
    overdue: async (
      _grace: number,
      limit: number,
      ids: string[] | null,
      after: OverdueRow | null,
    ) =>
      rows
        .filter((r) => !ids || ids.includes(r.id))
        .filter((r) => !after || r.dueAt > after.dueAt)
        .slice(0, limit),
  };
  return logs as unknown as DeliveryLogRepository;
}

/** Rows of webhook `down` are on a shard whose Redis master does not answer. */
function fakeQueue(enqueued: string[]) {
  return {
    withoutLiveJob: async (rows: OverdueRow[]) => {
      const up = rows.filter((r) => r.webhookId !== 'down');
      if (up.length === 0) throw new Error('shard unreachable');
      return { missing: up, unreachable: up.length < rows.length ? 1 : 0 };
    },
    enqueueOrThrow: async (rows: OverdueRow[]) => void enqueued.push(...rows.map((r) => r.id)),
  } as unknown as DeliveryQueue;
}

function relayOver(rows: OverdueRow[], enqueued: string[]): OutboxRelay {
  return new OutboxRelay(fakeLogs(rows), fakeQueue(enqueued), new WebhookMetrics(), {
    workerEnabled: false,
  } as WebhooksConfig);
}

describe('OutboxRelay', () => {
  it('pages past the oldest rows while their shard is unreachable, to relay the others', async () => {
    const rows = [
      ...Array.from({ length: 1200 }, (_, i) => row(i, 'down')),
      ...Array.from({ length: 30 }, (_, i) => row(1200 + i, 'up')),
    ];
    const enqueued: string[] = [];

    expect(await relayOver(rows, enqueued).relayOnce()).toBe(30);
    expect(enqueued).toEqual(rows.slice(1200).map((r) => r.id));
  });

  it('reads one page when every shard answers', async () => {
    const rows = Array.from({ length: 700 }, (_, i) => row(i, 'up'));
    const enqueued: string[] = [];

    expect(await relayOver(rows, enqueued).relayOnce()).toBe(500);
    expect(enqueued).toEqual(rows.slice(0, 500).map((r) => r.id));
  });

  it('fails the pass when no shard answered at all', async () => {
    const rows = Array.from({ length: 600 }, (_, i) => row(i, 'down'));
    await expect(relayOver(rows, []).relayOnce()).rejects.toThrow('shard unreachable');
  });
});
