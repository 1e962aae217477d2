import { randomBytes, randomUUID } from 'node:crypto';
import { SecretCipher } from '../src/modules/webhooks/secrets/secret-cipher';
import { generateSecret } from '../src/modules/webhooks/validation/webhook-secret';
import { createTestApp, TestApp, webhookBody } from './helpers/test-app';

const BASE = '/api/v1/webhooks';

/** Routes that only check who owns a webhook never decrypt its secret. */
describe('A webhook whose secret does not decrypt (e2e)', () => {
  let t: TestApp;
  /** Encrypted under a key this app does not know: what a key dropped too early leaves. */
  const foreign = new SecretCipher({ current: randomBytes(32), previous: [] });

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function unreadableWebhook(tenantId: string): Promise<string> {
    const { id } = (await t.as(tenantId).post(BASE, webhookBody()).expect(201)).body;
    await t.dataSource.query(`UPDATE webhooks SET secret = $2 WHERE id = $1`, [
      id,
      foreign.encrypt(generateSecret()),
    ]);
    return id;
  }

  /** A finished delivery log of the webhook, written with SQL. */
  async function finishedLog(tenantId: string, webhookId: string, status: 'success' | 'failed') {
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO webhook_logs (tenant_id, webhook_id, event_id, event_type, payload, status,
                                 attempt_count, completed_at)
       VALUES ($1, $2, $3, 'message.sent', '{}'::json, $4, 1, now())
       RETURNING id`,
      [tenantId, webhookId, `evt_${randomUUID()}`, status],
    );
    return id as string;
  }

  async function completedAt(logId: string): Promise<Date | null> {
    const [row] = await t.dataSource.query(`SELECT completed_at FROM webhook_logs WHERE id = $1`, [
      logId,
    ]);
    return row.completed_at;
  }

  it('still answers logs, stats, retry and recover', async () => {
    const tenantId = randomUUID();
    const owner = t.as(tenantId);
    const id = await unreadableWebhook(tenantId);
    const succeeded = await finishedLog(tenantId, id, 'success');
    const failed = await finishedLog(tenantId, id, 'failed');

    const logs = (await owner.get(`${BASE}/${id}/logs`).expect(200)).body;
    expect(logs.data.map((log: { id: string }) => log.id).sort()).toEqual(
      [succeeded, failed].sort(),
    );
    expect((await owner.get(`${BASE}/${id}/logs/${failed}`).expect(200)).body.id).toBe(failed);
    const stats = (await owner.get(`${BASE}/${id}/stats`).expect(200)).body;
    expect(stats).toMatchObject({
      totalDeliveries: 2,
      successfulDeliveries: 1,
      failedDeliveries: 1,
      consecutiveFailures: 0,
    });

    await owner.post(`${BASE}/${id}/logs/${succeeded}/retry`, {}).expect(202, { queued: 1 });
    expect(await completedAt(succeeded)).toBeNull();
    const since = new Date(Date.now() - 3_600_000).toISOString();
    await owner.post(`${BASE}/${id}/recover`, { since }).expect(202, { queued: 1 });
    expect(await completedAt(failed)).toBeNull();

    await owner.delete(`${BASE}/${id}`).expect(204);
    expect(await t.dataSource.query(`SELECT id FROM webhooks WHERE id = $1`, [id])).toEqual([]);
  });

  it('answers 409 where the secret is shown, naming the way out; rotation replaces it', async () => {
    const tenantId = randomUUID();
    const owner = t.as(tenantId);
    const id = await unreadableWebhook(tenantId);

    for (const path of [`${BASE}/${id}/secret`, `${BASE}/${id}`]) {
      const res = await owner.get(path).expect(409);
      expect(res.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message: expect.stringMatching(/cannot be decrypted.*rotate it with gracePeriodHours 0/),
      });
      // Which key is missing is for the operators' log, not for the tenant.
      expect(res.body.message).not.toContain(foreign.currentKeyId);
    }

    const rotated = (
      await owner.post(`${BASE}/${id}/rotate-secret`, { gracePeriodHours: 0 }).expect(200)
    ).body.secret as string;
    expect((await owner.get(`${BASE}/${id}/secret`).expect(200)).body).toEqual({
      secret: rotated,
    });
    await owner.delete(`${BASE}/${id}`).expect(204);
  });

  it("answers 404, not 409, for another tenant's unreadable webhook", async () => {
    const ownerId = randomUUID();
    const id = await unreadableWebhook(ownerId);
    const stranger = t.as(randomUUID());
    for (const path of ['', '/secret', '/logs', '/stats']) {
      await stranger.get(`${BASE}/${id}${path}`).expect(404);
    }
    await stranger.post(`${BASE}/${id}/recover`, { since: new Date().toISOString() }).expect(404);
    await stranger.post(`${BASE}/${id}/rotate-secret`, { gracePeriodHours: 0 }).expect(404);
    await stranger.delete(`${BASE}/${id}`).expect(404);
    await t.as(ownerId).delete(`${BASE}/${id}`).expect(204);
  });
});
