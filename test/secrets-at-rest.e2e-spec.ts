import { LoggerService } from '@nestjs/common';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { format } from 'node:util';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { parseEnv } from '../src/config/env';
import {
  SecretCipher,
  secretKeyId,
  secretKeysFrom,
} from '../src/modules/webhooks/secrets/secret-cipher';
import {
  PLAINTEXT_SECRETS_LOCK_KEY,
  PlaintextSecretEncryption,
} from '../src/modules/webhooks/secrets/plaintext-secret-encryption';
import { Queryable, reencryptSecrets } from '../src/modules/webhooks/secrets/secret-rows';
import { WebhookSecretCipher } from '../src/modules/webhooks/secrets/webhook-secret-cipher';
import { generateSecret } from '../src/modules/webhooks/endpoints/validation/webhook-secret';
import { WebhooksService } from '../src/modules/webhooks/webhooks.service';
import { ReceivedRequest, TestReceiver } from './helpers/receiver';
import { createTestApp, TestApp, webhookBody } from './helpers/test-app';
import { waitUntil } from './helpers/waiting';
import { appLogLines } from './setup/app-log-sink';
import { secretKeysOf } from '../src/config/webhooks-options';

const BASE = '/api/v1/webhooks';
const FAST_RETRIES = { maxAttempts: 1, backoff: 'fixed', initialDelayMs: 100, maxDelayMs: 1000 };

interface StoredSecrets {
  secret: string;
  previous_secret: string | null;
}

describe('Secrets at rest (e2e)', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let webhooks: WebhooksService;
  let cipher: SecretCipher;
  /** The keys the app runs with (the same environment the app parsed). */
  const keys = secretKeysFrom(secretKeysOf(parseEnv(process.env)));

  beforeAll(async () => {
    t = await createTestApp();
    receiver = await TestReceiver.start();
    webhooks = t.app.get(WebhooksService);
    cipher = t.app.get(WebhookSecretCipher);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  async function stored(id: string): Promise<StoredSecrets> {
    const [row] = await t.dataSource.query(
      `SELECT secret, previous_secret FROM webhooks WHERE id = $1`,
      [id],
    );
    return row;
  }

  async function setStored(id: string, secret: string, previousSecret: string | null = null) {
    await t.dataSource.query(
      `UPDATE webhooks SET secret = $2, previous_secret = $3,
              previous_secret_expires_at = CASE WHEN $3::text IS NULL THEN NULL ELSE now() + interval '1 hour' END
        WHERE id = $1`,
      [id, secret, previousSecret],
    );
  }

  /** The secret and the HMAC key inside it, as they must never appear. */
  const plainForms = (secret: string) => [secret, secret.slice('whsec_'.length)];

  function expectEncryptedUnderCurrentKey(value: string | null, plain: string) {
    expect(value).toMatch(new RegExp(`^enc:v1:${cipher.currentKeyId}:`));
    for (const form of plainForms(plain)) expect(value).not.toContain(form);
    expect(cipher.decrypt(value!)).toBe(plain);
  }

  async function register(tenantId: string, path: string, overrides: Record<string, unknown> = {}) {
    const res = await t
      .as(tenantId)
      .post(BASE, webhookBody({ url: receiver.url(path), retryPolicy: FAST_RETRIES, ...overrides }))
      .expect(201);
    return res.body as { id: string; secret: string };
  }

  async function finalLogs(tenantId: string, webhookId: string) {
    return waitUntil(
      async () => (await t.as(tenantId).get(`${BASE}/${webhookId}/logs`).expect(200)).body.data,
      (logs: Array<{ status: string }>) =>
        logs.length > 0 && logs.every((l) => l.status === 'success' || l.status === 'failed'),
    );
  }

  it('stores the secret encrypted under the current key and answers with the plaintext', async () => {
    const tenant = t.as(randomUUID());
    const custom = generateSecret();
    const created = (await tenant.post(BASE, webhookBody({ secret: custom })).expect(201)).body;
    expect(created.secret).toBe(custom);
    expect(cipher.currentKeyId).toBe(secretKeyId(keys.current));

    const row = await stored(created.id);
    expectEncryptedUnderCurrentKey(row.secret, custom);
    expect(row.previous_secret).toBeNull();

    expect((await tenant.get(`${BASE}/${created.id}/secret`).expect(200)).body).toEqual({
      secret: custom,
    });
    expect((await tenant.get(`${BASE}/${created.id}`).expect(200)).body.secret).toBe(
      `whsec_…${custom.slice(-4)}`,
    );
    expect((await tenant.get(BASE).expect(200)).body.data[0].secret).toBe(
      `whsec_…${custom.slice(-4)}`,
    );

    // A generated secret and one set by PATCH are encrypted too.
    const generated = (await tenant.post(BASE, webhookBody()).expect(201)).body;
    expectEncryptedUnderCurrentKey((await stored(generated.id)).secret, generated.secret);
    const patched = generateSecret();
    const res = await tenant.patch(`${BASE}/${generated.id}`, { secret: patched }).expect(200);
    expect(res.body.secret).toBe(`whsec_…${patched.slice(-4)}`);
    expectEncryptedUnderCurrentKey((await stored(generated.id)).secret, patched);
    expect((await tenant.get(`${BASE}/${generated.id}/secret`).expect(200)).body.secret).toBe(
      patched,
    );
    // Any other update keeps the same secret.
    await tenant.patch(`${BASE}/${generated.id}`, { name: 'renamed' }).expect(200);
    expect(cipher.decrypt((await stored(generated.id)).secret)).toBe(patched);
  });

  it('keeps the previous secret encrypted on rotation, and deliveries sign with both', async () => {
    const tenantId = randomUUID();
    const path = `/rotated-${randomUUID()}`;
    const webhook = await register(tenantId, path);
    const rotated = (
      await t
        .as(tenantId)
        .post(`${BASE}/${webhook.id}/rotate-secret`, { gracePeriodHours: 1 })
        .expect(200)
    ).body.secret as string;

    const row = await stored(webhook.id);
    expectEncryptedUnderCurrentKey(row.secret, rotated);
    expectEncryptedUnderCurrentKey(row.previous_secret, webhook.secret);

    await webhooks.triggerEvent(tenantId, 'message.sent', { message: { id: 'm1' } });
    const [request] = await receiver.waitFor(1, path);
    const headers = {
      'webhook-id': request.headers['webhook-id'] as string,
      'webhook-timestamp': request.headers['webhook-timestamp'] as string,
      'webhook-signature': request.headers['webhook-signature'] as string,
    };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [rotated, webhook.secret]) {
      expect(() => new StandardWebhook(secret).verify(request.body, headers)).not.toThrow();
    }
    const simple = createHmac('sha256', rotated).update(request.body).digest('hex');
    expect(request.headers['x-webhook-signature']).toBe(`sha256=${simple}`);
    expect((await finalLogs(tenantId, webhook.id))[0].status).toBe('success');
  });

  /** A webhook row as an instance older than encryption at rest wrote it: plaintext secrets. */
  async function insertPlaintext(tenantId: string, url: string, secret: string, previous: string) {
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO webhooks (tenant_id, name, url, events, retry_policy, timeout_ms, secret,
                             previous_secret, previous_secret_expires_at)
       VALUES ($1, 'legacy', $2, '{message.sent}', $3, 10000, $4, $5, now() + interval '1 hour')
       RETURNING id`,
      [tenantId, url, JSON.stringify(FAST_RETRIES), secret, previous],
    );
    return id as string;
  }

  it('encrypts plaintext rows at start, under the current key, and they still sign', async () => {
    const tenantId = randomUUID();
    const path = `/legacy-${randomUUID()}`;
    const secret = generateSecret();
    const previous = generateSecret();
    const id = await insertPlaintext(tenantId, receiver.url(path), secret, previous);

    // Another instance starts, as after a deploy.
    const restarted = await createTestApp();
    try {
      const row = await stored(id);
      expectEncryptedUnderCurrentKey(row.secret, secret);
      expectEncryptedUnderCurrentKey(row.previous_secret, previous);
      // Running it again changes nothing.
      await restarted.app.get(PlaintextSecretEncryption).encryptOnce();
      expect(await stored(id)).toEqual(row);
      expect((await t.as(tenantId).get(`${BASE}/${id}/secret`).expect(200)).body.secret).toBe(
        secret,
      );

      await restarted.app
        .get(WebhooksService)
        .triggerEvent(tenantId, 'message.sent', { message: { id: 'm0' } });
      const [request] = await receiver.waitFor(1, path);
      const headers = {
        'webhook-id': request.headers['webhook-id'] as string,
        'webhook-timestamp': request.headers['webhook-timestamp'] as string,
        'webhook-signature': request.headers['webhook-signature'] as string,
      };
      for (const key of [secret, previous]) {
        expect(() => new StandardWebhook(key).verify(request.body, headers)).not.toThrow();
      }
      const simple = createHmac('sha256', secret).update(request.body).digest('hex');
      expect(request.headers['x-webhook-signature']).toBe(`sha256=${simple}`);
    } finally {
      await restarted.close();
    }
  });

  it('leaves the encryption to the process holding its lock, without waiting for it', async () => {
    const secret = generateSecret();
    const previous = generateSecret();
    const id = await insertPlaintext(randomUUID(), 'https://example.com/hooks', secret, previous);
    const encryption = t.app.get(PlaintextSecretEncryption);
    const holder = t.dataSource.createQueryRunner();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [PLAINTEXT_SECRETS_LOCK_KEY]);
      expect(await encryption.encryptOnce()).toBeNull();
      expect(await stored(id)).toEqual({ secret, previous_secret: previous });
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1)', [PLAINTEXT_SECRETS_LOCK_KEY]);
      await holder.release();
    }
    const count = await encryption.encryptOnce();
    expect(count?.rewritten).toBeGreaterThanOrEqual(1);
    expect(count?.rewritten).toBe(count?.found);
    const row = await stored(id);
    expectEncryptedUnderCurrentKey(row.secret, secret);
    expectEncryptedUnderCurrentKey(row.previous_secret, previous);
  });

  describe('re-encryption after a key rotation (npm run secrets:reencrypt)', () => {
    const oldKey = randomBytes(32);
    const before = new SecretCipher({ current: oldKey, previous: [] });
    /** The cipher of a deployment that rotated from oldKey to the app's key. */
    const rotation = () => new SecretCipher({ current: keys.current, previous: [oldKey] });

    it('re-encrypts every value under an old key or in plaintext, in batches', async () => {
      const tenantId = randomUUID();
      const tenant = t.as(tenantId);
      const a = (await tenant.post(BASE, webhookBody()).expect(201)).body;
      const b = (await tenant.post(BASE, webhookBody()).expect(201)).body;
      const c = (await tenant.post(BASE, webhookBody()).expect(201)).body;
      const bPrevious = generateSecret();
      await setStored(a.id, before.encrypt(a.secret));
      await setStored(b.id, cipher.encrypt(b.secret), before.encrypt(bPrevious));
      await setStored(c.id, c.secret);

      const result = await reencryptSecrets(t.dataSource, rotation(), 2);
      expect(result.rewritten).toBeGreaterThanOrEqual(3);
      expect(result.rewritten).toBe(result.found);

      expectEncryptedUnderCurrentKey((await stored(a.id)).secret, a.secret);
      expectEncryptedUnderCurrentKey((await stored(b.id)).secret, b.secret);
      expectEncryptedUnderCurrentKey((await stored(b.id)).previous_secret, bPrevious);
      expectEncryptedUnderCurrentKey((await stored(c.id)).secret, c.secret);
      // The app, which knows only the new key, reads them all.
      for (const w of [a, b, c]) {
        expect((await tenant.get(`${BASE}/${w.id}/secret`).expect(200)).body.secret).toBe(w.secret);
      }
      expect(await reencryptSecrets(t.dataSource, rotation())).toEqual({ found: 0, rewritten: 0 });
    });

    it('never overwrites a secret the app changed while it ran', async () => {
      const tenant = t.as(randomUUID());
      const w = (await tenant.post(BASE, webhookBody()).expect(201)).body;
      await setStored(w.id, before.encrypt(w.secret));
      const rotatedMeanwhile = cipher.encrypt(generateSecret());
      const racing: Queryable = {
        query: async (sql, parameters) => {
          if (sql.trimStart().startsWith('UPDATE')) await setStored(w.id, rotatedMeanwhile);
          return t.dataSource.query(sql, parameters);
        },
      };
      const result = await reencryptSecrets(racing, rotation());
      expect(result.found - result.rewritten).toBe(1);
      expect((await stored(w.id)).secret).toBe(rotatedMeanwhile);
    });

    it('stops with the webhook id and key id when a value is under an unknown key', async () => {
      const tenant = t.as(randomUUID());
      const w = (await tenant.post(BASE, webhookBody()).expect(201)).body;
      const unknown = new SecretCipher({ current: randomBytes(32), previous: [] });
      await setStored(w.id, unknown.encrypt(w.secret));
      try {
        const error: Error = await reencryptSecrets(t.dataSource, rotation()).catch((e) => e);
        expect(error).toBeInstanceOf(Error);
        expect(error.message).toContain(w.id);
        expect(error.message).toContain(unknown.currentKeyId);
        for (const form of plainForms(w.secret)) expect(error.message).not.toContain(form);
      } finally {
        await tenant.delete(`${BASE}/${w.id}`).expect(204);
      }
    });
  });

  it('never logs a secret or a signature: create, delivery and failing deliveries', async () => {
    // Everything logged through Nest's Logger, at every level, what pino wrote to the test
    // environment's sink, and everything written to stdout/stderr by any other means
    // (console, stream writes, direct writes to fd 1 and 2).
    const lines: string[] = [];
    const record =
      (level: string) =>
      (message: unknown, ...rest: unknown[]) =>
        void lines.push(`${level} ${format(message, ...rest)}`);
    const everyLevel: LoggerService = {
      log: record('log'),
      error: record('error'),
      warn: record('warn'),
      debug: record('debug'),
      verbose: record('verbose'),
      fatal: record('fatal'),
    };
    t.app.useLogger(everyLevel);
    const writes = [
      jest.spyOn(process.stdout, 'write'),
      jest.spyOn(process.stderr, 'write'),
      ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => jest.spyOn(console, m)),
    ];
    const fdWrites = jest.spyOn(fs, 'writeSync');
    try {
      const tenantId = randomUUID();
      const run = randomUUID();
      const ok = await register(tenantId, `/ok-${run}`);
      const failing = await register(tenantId, `/fails-${run}`);
      const gone = await register(tenantId, `/gone-${run}`);
      receiver.script(`/fails-${run}`, { status: 500, body: 'boom' });
      receiver.script(`/gone-${run}`, { status: 410 });
      await webhooks.triggerEvent(tenantId, 'message.sent', { message: { id: 'm2' } });

      const requests: ReceivedRequest[] = [];
      for (const path of [`/ok-${run}`, `/fails-${run}`, `/gone-${run}`]) {
        requests.push(...(await receiver.waitFor(1, path)));
      }
      for (const w of [ok, failing, gone]) await finalLogs(tenantId, w.id);
      await waitUntil(
        async () => (await t.as(tenantId).get(`${BASE}/${gone.id}`).expect(200)).body.status,
        (status) => status === 'disabled',
      );

      const output = [
        ...lines,
        ...appLogLines(),
        ...writes.flatMap((spy) => spy.mock.calls.map((args) => format(...args))),
        ...fdWrites.mock.calls
          .filter(([fd]) => fd === 1 || fd === 2)
          .map(([, data]) => String(data)),
      ].join('\n');
      // The capture works: the 410 was logged.
      expect(output).toContain(`Webhook ${gone.id} disabled`);
      const signatures = requests.flatMap((request) => {
        const standard = request.headers['webhook-signature'] as string;
        const simple = request.headers['x-webhook-signature'] as string;
        const parts = standard.split(' ').map((entry) => entry.slice('v1,'.length));
        return [standard, ...parts, simple, simple.slice('sha256='.length)];
      });
      const secrets = [ok, failing, gone].flatMap((w) => plainForms(w.secret));
      for (const needle of [...secrets, ...signatures]) expect(output).not.toContain(needle);
    } finally {
      writes.forEach((spy) => spy.mockRestore());
      fdWrites.mockRestore();
    }
  });
});
