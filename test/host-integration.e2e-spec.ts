import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { WebhooksService as WebhooksServiceType } from '../src/modules/webhooks/webhooks.service';
import { createIsolatedTestApp } from './helpers/isolated';
import type { TestApp } from './helpers/test-app';
import { webhookBody } from './helpers/test-app';
import { deliveryQueue, waitUntil } from './helpers/waiting';

const BASE = '/api/v1/webhooks';
// @nestjs/typeorm's token for the options TypeOrmModule.forRoot(Async) builds the DataSource from.
const TYPEORM_MODULE_OPTIONS = 'TypeOrmModuleOptions';

/**
 * The module inside a host whose DataSource is configured the host's way: TypeORM's default
 * naming strategy and no subscriber of ours. No worker or relay runs in this process, so a
 * job for a delivery can only come from the module's own after-commit hook.
 */
describe('WebhooksModule in a host DataSource (e2e)', () => {
  let t: TestApp;
  let webhooks: WebhooksServiceType;
  let queue: Queue;

  beforeAll(async () => {
    ({ t, webhooks } = await createIsolatedTestApp({ WORKER_ENABLED: 'false' }, async () => {
      const { DefaultNamingStrategy } = await import('typeorm');
      const { typeOrmOptions } = await import('../src/database/typeorm-options');
      const hostOptions = {
        ...typeOrmOptions({ DATABASE_URL: process.env.DATABASE_URL!, DB_MIGRATIONS_RUN: true }),
        namingStrategy: new DefaultNamingStrategy(),
        subscribers: [],
      };
      return [{ provide: TYPEORM_MODULE_OPTIONS, useValue: hostOptions }];
    }));
    queue = deliveryQueue(t);
  });
  afterAll(() => t.close());

  async function createWebhook(tenantId: string): Promise<string> {
    const body = webhookBody({ url: 'http://127.0.0.1:9/never-called', events: ['message.sent'] });
    return (await t.as(tenantId).post(BASE, body).expect(201)).body.id;
  }

  async function logIds(webhookId: string, eventId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await t.dataSource.query(
      `SELECT id FROM webhook_logs WHERE webhook_id = $1 AND event_id = $2`,
      [webhookId, eventId],
    );
    return rows.map((row) => row.id);
  }

  async function triggerCommitted(tenantId: string): Promise<string> {
    const { eventId } = await t.dataSource.transaction((manager) =>
      webhooks.triggerEvent(tenantId, 'message.sent', { committed: true }, { manager }),
    );
    return eventId;
  }

  it('enqueues the delivery of an event triggered in the host transaction once it commits', async () => {
    const tenantId = randomUUID();
    const webhookId = await createWebhook(tenantId);

    const eventId = await triggerCommitted(tenantId);

    const [logId] = await logIds(webhookId, eventId);
    const job = await waitUntil(
      () => queue.getJob(logId),
      (found) => found !== undefined,
    );
    expect(job!.data).toEqual({ logId, webhookId, createdAt: expect.any(Number) });
  });

  it('writes and enqueues nothing for an event of a host transaction that rolls back', async () => {
    const tenantId = randomUUID();
    const webhookId = await createWebhook(tenantId);

    let rolledBack: string[] = [];
    const transaction = t.dataSource.transaction(async (manager) => {
      const { eventId } = await webhooks.triggerEvent(
        tenantId,
        'message.sent',
        { committed: false },
        { manager },
      );
      rolledBack = (
        await manager.query(`SELECT id FROM webhook_logs WHERE webhook_id = $1 AND event_id = $2`, [
          webhookId,
          eventId,
        ])
      ).map((row: { id: string }) => row.id);
      throw new Error('the host rolls back');
    });
    await expect(transaction).rejects.toThrow('the host rolls back');
    expect(rolledBack).toHaveLength(1);

    // Enqueues run in order: once a later commit's job exists, any earlier one would too.
    const [later] = await logIds(webhookId, await triggerCommitted(tenantId));
    await waitUntil(
      () => queue.getJob(later),
      (found) => found !== undefined,
    );
    const [logId] = rolledBack;
    const rows = await t.dataSource.query(`SELECT id FROM webhook_logs WHERE id = $1`, [logId]);
    expect({ rows, job: await queue.getJob(logId) }).toEqual({ rows: [], job: undefined });
  });
});
