import { randomBytes, randomUUID } from 'node:crypto';
import { SecretCipher } from '../src/modules/webhooks/secrets/secret-cipher';
import {
  generateSecret,
  maskSecret,
} from '../src/modules/webhooks/endpoints/validation/webhook-secret';
import { DeliveryPipeline, ONE_ATTEMPT, startDeliveryPipeline } from './helpers/delivery-harness';
import { TestApp, webhookBody } from './helpers/test-app'
import { insertDeliveryRows } from './helpers/delivery-rows';;
import { waitUntil } from './helpers/waiting';

const BASE = '/api/v1/webhooks';
const UNREADABLE_MASK = 'whsec_…????';
const NOT_SENT =
  "Not sent: the webhook's signing secret cannot be decrypted; rotate it with gracePeriodHours 0";

/** Routes that only check who owns a webhook never decrypt its secret. */
describe('A webhook whose secret does not decrypt (e2e)', () => {
  let pipeline: DeliveryPipeline;
  let t: TestApp;
  /** Encrypted under a key this app does not know: what a key dropped too early leaves. */
  const foreign = new SecretCipher({ current: randomBytes(32), previous: [] });

  beforeAll(async () => {
    pipeline = await startDeliveryPipeline({ retryPolicy: ONE_ATTEMPT });
    t = pipeline.t;
  });
  afterAll(async () => {
    // Even when a test failed before deleting its webhooks: a value under an unknown key would
    // stop other specs' re-encryption runs in the same database.
    await t.dataSource.query(
      `DELETE FROM webhooks WHERE secret LIKE $1 OR previous_secret LIKE $1`,
      [`enc:v1:${foreign.currentKeyId}:%`],
    );
    await pipeline.close();
  });

  /** Makes an existing webhook's secret unreadable. */
  async function breakSecret(id: string): Promise<void> {
    await t.dataSource.query(`UPDATE webhooks SET secret = $2 WHERE id = $1`, [
      id,
      foreign.encrypt(generateSecret()),
    ]);
  }

  async function unreadableWebhook(tenantId: string): Promise<string> {
    const { id } = (await t.as(tenantId).post(BASE, webhookBody()).expect(201)).body;
    await breakSecret(id);
    return id;
  }

  interface LogRow {
    webhook_id: string;
    status: string;
    attempt_count: number;
    error_message: string | null;
    completed_at: Date | null;
  }

  const LOG_COLUMNS = 'webhook_id, status, attempt_count, error_message, completed_at';

  async function logsOfEvent(eventId: string): Promise<LogRow[]> {
    return t.dataSource.query(`SELECT ${LOG_COLUMNS} FROM webhook_logs WHERE event_id = $1`, [
      eventId,
    ]);
  }

  async function logsOf(logIds: string[]): Promise<LogRow[]> {
    return t.dataSource.query(`SELECT ${LOG_COLUMNS} FROM webhook_logs WHERE id = ANY($1)`, [
      logIds,
    ]);
  }

  /** A finished delivery log of the webhook, written with SQL. */
  async function finishedLog(tenantId: string, webhookId: string, status: 'success' | 'failed') {
    const [{ id }] = await insertDeliveryRows(t.dataSource, {
      tenantId,
      webhookId,
      status,
      attemptCount: 1,
    });
    return id;
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

    // Recover first: the re-sent deliveries fail again (see below), and recover counts failures.
    const since = new Date(Date.now() - 3_600_000).toISOString();
    await owner.post(`${BASE}/${id}/recover`, { since }).expect(202, { queued: 1 });
    await owner.post(`${BASE}/${id}/logs/${succeeded}/retry`, {}).expect(202, { queued: 1 });
    // Both were queued again, and both end final at once: they cannot be signed.
    const resent = await waitUntil(
      () => logsOf([succeeded, failed]),
      (rows) => rows.every((row) => row.error_message === NOT_SENT),
    );
    expect(resent).toEqual([
      expect.objectContaining({ status: 'failed', completed_at: expect.any(Date) }),
      expect.objectContaining({ status: 'failed', completed_at: expect.any(Date) }),
    ]);

    await owner.delete(`${BASE}/${id}`).expect(204);
    expect(await t.dataSource.query(`SELECT id FROM webhooks WHERE id = $1`, [id])).toEqual([]);
  });

  it('answers 409 where the whole secret is shown, naming the way out; rotation replaces it', async () => {
    const tenantId = randomUUID();
    const owner = t.as(tenantId);
    const id = await unreadableWebhook(tenantId);

    const res = await owner.get(`${BASE}/${id}/secret`).expect(409);
    expect(res.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: expect.stringMatching(/cannot be decrypted.*rotate it with gracePeriodHours 0/),
    });
    // Which key is missing is for the operators' log, not for the tenant.
    expect(res.body.message).not.toContain(foreign.currentKeyId);
    // Where the secret is shown masked, the mask says it is unreadable.
    expect((await owner.get(`${BASE}/${id}`).expect(200)).body.secret).toBe(UNREADABLE_MASK);
    const patched = (await owner.patch(`${BASE}/${id}`, { name: 'Renamed' }).expect(200)).body;
    expect(patched).toMatchObject({ name: 'Renamed', secret: UNREADABLE_MASK });

    const rotated = (
      await owner.post(`${BASE}/${id}/rotate-secret`, { gracePeriodHours: 0 }).expect(200)
    ).body.secret as string;
    expect((await owner.get(`${BASE}/${id}/secret`).expect(200)).body).toEqual({
      secret: rotated,
    });
    await owner.delete(`${BASE}/${id}`).expect(204);
  });

  it('rotates with the default grace period into a readable secret, keeping no unreadable previous one', async () => {
    const tenantId = randomUUID();
    const owner = t.as(tenantId);
    const id = await unreadableWebhook(tenantId);

    const rotated = (await owner.post(`${BASE}/${id}/rotate-secret`, {}).expect(200)).body
      .secret as string;
    expect(rotated).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    // An unreadable secret could never sign: it is replaced outright, as with grace 0.
    const [row] = await t.dataSource.query(
      `SELECT previous_secret, previous_secret_expires_at FROM webhooks WHERE id = $1`,
      [id],
    );
    expect(row).toEqual({ previous_secret: null, previous_secret_expires_at: null });
    expect((await owner.get(`${BASE}/${id}/secret`).expect(200)).body).toEqual({
      secret: rotated,
    });
    expect((await owner.get(`${BASE}/${id}`).expect(200)).body.secret).toBe(maskSecret(rotated));
    const list = (await owner.get(BASE).expect(200)).body;
    expect(list.data.map((webhook: { id: string; secret: string }) => webhook)).toEqual([
      expect.objectContaining({ id, secret: maskSecret(rotated) }),
    ]);
    await owner.delete(`${BASE}/${id}`).expect(204);
  });

  it('ignores an unreadable previous secret once its grace period is over', async () => {
    const tenantId = randomUUID();
    const owner = t.as(tenantId);
    const created = (await owner.post(BASE, webhookBody()).expect(201)).body;
    await t.dataSource.query(
      `UPDATE webhooks SET previous_secret = $2, previous_secret_expires_at = now() - interval '1 hour'
        WHERE id = $1`,
      [created.id, foreign.encrypt(generateSecret())],
    );

    const shown = (await owner.get(`${BASE}/${created.id}`).expect(200)).body;
    expect(shown.secret).toBe(maskSecret(created.secret));
    expect((await owner.get(`${BASE}/${created.id}/secret`).expect(200)).body).toEqual({
      secret: created.secret,
    });
    await owner.patch(`${BASE}/${created.id}`, { name: 'Renamed' }).expect(200);
    expect((await owner.get(BASE).expect(200)).body.data).toHaveLength(1);
    await owner.delete(`${BASE}/${created.id}`).expect(204);
  });

  it("lists a tenant's webhooks when one has an unreadable secret, that one masked as unreadable", async () => {
    const tenantId = randomUUID();
    const owner = t.as(tenantId);
    const healthy = (await owner.post(BASE, webhookBody({ name: 'Healthy' })).expect(201)).body;
    const broken = await unreadableWebhook(tenantId);

    const list = (await owner.get(BASE).expect(200)).body;
    expect(list.meta.total).toBe(2);
    const secrets = Object.fromEntries(
      list.data.map((webhook: { id: string; secret: string }) => [webhook.id, webhook.secret]),
    );
    expect(secrets).toEqual({
      [healthy.id]: maskSecret(healthy.secret),
      [broken]: UNREADABLE_MASK,
    });
    expect(list.data.find((webhook: { id: string }) => webhook.id === healthy.id)).toMatchObject({
      name: 'Healthy',
      status: 'active',
    });
    await owner.delete(`${BASE}/${healthy.id}`).expect(204);
    await owner.delete(`${BASE}/${broken}`).expect(204);
  });

  it('fails its deliveries at once, without failing the others claimed with them', async () => {
    const tenantId = randomUUID();
    const path = `/batch-${randomUUID()}`;
    // One event to five webhooks: their deliveries are claimed together.
    const healthy = await Promise.all([1, 2, 3, 4].map(() => pipeline.register(tenantId, path)));
    const broken = await pipeline.register(tenantId, `/broken-${randomUUID()}`);
    await breakSecret(broken.id);

    const { eventId, deliveries } = await pipeline.webhooks.triggerEvent(tenantId, 'message.sent', {
      message: { id: 'm1' },
    });
    expect(deliveries).toBe(5);
    const logs = await waitUntil(
      () => logsOfEvent(eventId),
      (rows) => rows.length === 5 && rows.every((row) => row.completed_at !== null),
    );

    const byWebhook = new Map(logs.map((row) => [row.webhook_id, row]));
    for (const webhook of healthy) {
      expect(byWebhook.get(webhook.id)).toMatchObject({
        status: 'success',
        attempt_count: 1,
        error_message: null,
      });
    }
    // Not an attempt: nothing was sent, and it is final at once rather than re-queued.
    expect(byWebhook.get(broken.id)).toMatchObject({
      status: 'failed',
      attempt_count: 0,
      error_message: NOT_SENT,
    });
    expect(pipeline.receiver.received(path)).toHaveLength(4);
    expect(pipeline.receiver.received().some((r) => r.path.startsWith('/broken-'))).toBe(false);
    for (const webhook of [...healthy, broken]) {
      await t.as(tenantId).delete(`${BASE}/${webhook.id}`).expect(204);
    }
  });

  it('answers 409 to a test send and writes no log row', async () => {
    const tenantId = randomUUID();
    const owner = t.as(tenantId);
    const id = await unreadableWebhook(tenantId);

    const res = await owner.post(`${BASE}/${id}/test`, {}).expect(409);
    expect(res.body.message).toMatch(/cannot be decrypted.*rotate it with gracePeriodHours 0/);
    expect(res.body.message).not.toContain(foreign.currentKeyId);
    expect(
      await t.dataSource.query(`SELECT id FROM webhook_logs WHERE webhook_id = $1`, [id]),
    ).toEqual([]);
    await owner.delete(`${BASE}/${id}`).expect(204);
  });

  it("answers 404, not 409, for another tenant's unreadable webhook", async () => {
    const ownerId = randomUUID();
    const id = await unreadableWebhook(ownerId);
    const stranger = t.as(randomUUID());
    for (const path of ['', '/secret', '/logs', '/stats']) {
      await stranger.get(`${BASE}/${id}${path}`).expect(404);
    }
    await stranger.post(`${BASE}/${id}/test`, {}).expect(404);
    await stranger.post(`${BASE}/${id}/recover`, { since: new Date().toISOString() }).expect(404);
    await stranger.post(`${BASE}/${id}/rotate-secret`, { gracePeriodHours: 0 }).expect(404);
    await stranger.delete(`${BASE}/${id}`).expect(404);
    await t.as(ownerId).delete(`${BASE}/${id}`).expect(204);
  });
});
