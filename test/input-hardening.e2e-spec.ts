import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import request from 'supertest';
import { InvalidWebhookEventError } from '../src/modules/webhooks/events/webhook-event.error';
import { WebhooksService } from '../src/modules/webhooks/webhooks.service';
import { TestReceiver } from './helpers/receiver';
import { createTestApp, TestApp, webhookBody } from './helpers/test-app';
import { waitUntil } from './helpers/waiting';

const BASE = '/api/v1/webhooks';
const MAX_DEPTH = 64;

/** `depth` arrays, one inside the other: `[[[]]]` is 3. */
const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
/** `depth` objects, one inside the other, around a string: `{"a":{"a":"leaf"}}` is 2. */
const nestedObjects = (depth: number, leaf = 'leaf') =>
  '{"a":'.repeat(depth) + JSON.stringify(leaf) + '}'.repeat(depth);
/** The same as a value, built without recursion. */
function nestedValue(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { a: 'leaf' };
  for (let level = 1; level < depth; level++) value = { a: value };
  return value;
}

function expectError(res: request.Response, status: number, message?: string): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: { statusCode: status, error: STATUS_CODES[status], message: expect.anything() },
  });
  if (message) expect([res.body.message].flat()).toContainEqual(expect.stringContaining(message));
}

const TOO_DEEP = `Request body is nested more than ${MAX_DEPTH} levels deep`;

describe('Input hardening (e2e)', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let webhooks: WebhooksService;

  beforeAll(async () => {
    t = await createTestApp();
    receiver = await TestReceiver.start();
    webhooks = t.app.get(WebhooksService);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const rawPost = (
    tenantId: string,
    path: string,
    body: string,
    method: 'post' | 'patch' = 'post',
  ) =>
    request(t.app.getHttpServer())
      [method](path)
      .set('Authorization', `Bearer ${t.token(tenantId)}`)
      .set('Content-Type', 'application/json')
      .send(body);

  const count = async (table: string, tenantId: string): Promise<number> => {
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`,
      [tenantId],
    );
    return n as number;
  };

  async function register(tenantId: string, overrides: Record<string, unknown> = {}) {
    const res = await t
      .as(tenantId)
      .post(BASE, webhookBody({ url: receiver.url(`/h-${randomUUID()}`), ...overrides }))
      .expect(201);
    return res.body as { id: string; url: string };
  }

  describe('deeply nested JSON bodies', () => {
    it.each([1000, 100_000])(
      'POST /messages with arrays nested %d deep → 400, nothing written',
      async (depth) => {
        const tenantId = randomUUID();
        const res = await rawPost(
          tenantId,
          '/api/v1/messages',
          `{"to":"+15550123456","body":"Hi","extra":${nestedArrays(depth)}}`,
        );
        expectError(res, 400, TOO_DEEP);
        expect(await count('messages', tenantId)).toBe(0);
        expect(await count('webhook_logs', tenantId)).toBe(0);
      },
    );

    it.each([1000, 100_000])(
      'POST /webhooks with headers nested %d deep → 400, nothing written',
      async (depth) => {
        const tenantId = randomUUID();
        const body = JSON.stringify(webhookBody({ headers: '§' })).replace(
          '"§"',
          nestedObjects(depth),
        );
        const res = await rawPost(tenantId, BASE, body);
        expectError(res, 400, TOO_DEEP);
        expect(await count('webhooks', tenantId)).toBe(0);
      },
    );

    it.each([1000, 100_000])(
      'PATCH /webhooks/:id with a name nested %d deep → 400, the webhook unchanged',
      async (depth) => {
        const tenantId = randomUUID();
        const { id } = await register(tenantId);
        const before = (await t.as(tenantId).get(`${BASE}/${id}`).expect(200)).body;
        const res = await rawPost(
          tenantId,
          `${BASE}/${id}`,
          `{"name":${nestedArrays(depth)}}`,
          'patch',
        );
        expectError(res, 400, TOO_DEEP);
        expect((await t.as(tenantId).get(`${BASE}/${id}`).expect(200)).body).toEqual(before);
      },
    );

    it.each([1000, 100_000])(
      'POST /webhooks/:id/test with a payload nested %d deep → 400, no log, nothing sent',
      async (depth) => {
        const tenantId = randomUUID();
        const { id, url } = await register(tenantId);
        const res = await rawPost(
          tenantId,
          `${BASE}/${id}/test`,
          `{"payload":${nestedObjects(depth)}}`,
        );
        expectError(res, 400, TOO_DEEP);
        expect(await count('webhook_logs', tenantId)).toBe(0);
        expect(receiver.received(new URL(url).pathname)).toHaveLength(0);
      },
    );

    it('delivers a test payload nested 10 deep as sent', async () => {
      const tenantId = randomUUID();
      const { id, url } = await register(tenantId);
      const res = await rawPost(tenantId, `${BASE}/${id}/test`, `{"payload":${nestedObjects(10)}}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true, statusCode: 200 });
      const [delivered] = await receiver.waitFor(1, new URL(url).pathname);
      expect(JSON.parse(delivered.body).data).toEqual(nestedValue(10));
      expect(await count('webhook_logs', tenantId)).toBe(1);
    });

    it(`accepts a body nested exactly ${MAX_DEPTH} deep and refuses ${MAX_DEPTH + 1}`, async () => {
      const tenantId = randomUUID();
      const { id, url } = await register(tenantId);
      // The body `{"payload": P}` is one level deeper than P, as is the delivered `{"data": P}`.
      const tooDeep = await rawPost(
        tenantId,
        `${BASE}/${id}/test`,
        `{"payload":${nestedObjects(MAX_DEPTH)}}`,
      );
      expectError(tooDeep, 400, TOO_DEEP);
      expect(await count('webhook_logs', tenantId)).toBe(0);

      const deepest = await rawPost(
        tenantId,
        `${BASE}/${id}/test`,
        `{"payload":${nestedObjects(MAX_DEPTH - 1)}}`,
      );
      expect(deepest.status).toBe(200);
      expect(deepest.body).toMatchObject({ success: true });
      const [delivered] = await receiver.waitFor(1, new URL(url).pathname);
      expect(JSON.parse(delivered.body).data).toEqual(nestedValue(MAX_DEPTH - 1));
    });

    it('answers a message nested 10 deep with the ordinary validation 400', async () => {
      const tenantId = randomUUID();
      const res = await rawPost(
        tenantId,
        '/api/v1/messages',
        `{"to":"+15550123456","body":"Hi","extra":${nestedArrays(10)}}`,
      );
      expectError(res, 400, 'property extra should not exist');
      expect(await count('messages', tenantId)).toBe(0);
    });

    it(`names the path of a NUL character ${MAX_DEPTH - 1} levels down`, async () => {
      const tenantId = randomUUID();
      const { id } = await register(tenantId);
      const res = await rawPost(
        tenantId,
        `${BASE}/${id}/test`,
        `{"payload":${nestedObjects(MAX_DEPTH - 1, 'a\u0000b')}}`,
      );
      expectError(res, 400, `payload${'.a'.repeat(MAX_DEPTH - 1)} must not contain NUL`);
      expect(await count('webhook_logs', tenantId)).toBe(0);
    });
  });

  describe('triggerEvent with deeply nested data', () => {
    it.each([1000, 100_000])(
      'refuses data nested %d deep with a clear error, writing nothing',
      async (depth) => {
        const tenantId = randomUUID();
        await register(tenantId, { events: ['message.sent'] });
        const trigger = webhooks.triggerEvent(tenantId, 'message.sent', nestedValue(depth));
        await expect(trigger).rejects.toThrow(
          new InvalidWebhookEventError(
            `Webhook event payload is nested more than ${MAX_DEPTH} levels deep`,
          ),
        );
        expect(await count('webhook_logs', tenantId)).toBe(0);
      },
    );

    it('refuses cyclic data with the same error', async () => {
      const tenantId = randomUUID();
      await register(tenantId, { events: ['message.sent'] });
      const data: Record<string, unknown> = {};
      data.self = data;
      await expect(webhooks.triggerEvent(tenantId, 'message.sent', data)).rejects.toThrow(
        InvalidWebhookEventError,
      );
      expect(await count('webhook_logs', tenantId)).toBe(0);
    });

    it('delivers data nested 10 deep', async () => {
      const tenantId = randomUUID();
      const { url } = await register(tenantId, { events: ['message.sent'] });
      const result = await webhooks.triggerEvent(tenantId, 'message.sent', nestedValue(10));
      expect(result.deliveries).toBe(1);
      const [delivered] = await receiver.waitFor(1, new URL(url).pathname);
      expect(JSON.parse(delivered.body).data).toEqual(nestedValue(10));
    });
  });

  describe('custom header values', () => {
    const UNSENDABLE: Array<[label: string, value: string]> = [
      ['CJK text', '日本'],
      ['a C0 control', 'a\x01b'],
      ['DEL', 'a\x7fb'],
      ['LINE SEPARATOR', 'a\u2028b'],
      ['a Latin-1 letter', 'caf\u00e9'],
      ['a no-break space', 'a\u00a0b'],
      ['an emoji', 'key-🪝'],
      ['a leading space', ' token'],
      ['a trailing tab', 'token\t'],
    ];

    it.each(UNSENDABLE)(
      'refuses %s at create, naming the header; nothing written',
      async (_, value) => {
        const tenantId = randomUUID();
        const res = await t
          .as(tenantId)
          .post(BASE, webhookBody({ headers: { 'X-Ok': 'fine', 'X-Api-Key': value } }));
        expectError(res, 400, 'value of "X-Api-Key"');
        expect([res.body.message].flat().join()).not.toContain('X-Ok');
        expect(await count('webhooks', tenantId)).toBe(0);
      },
    );

    it.each(UNSENDABLE)('refuses %s on PATCH, naming the header; unchanged', async (_, value) => {
      const tenantId = randomUUID();
      const { id } = await register(tenantId, { headers: { 'X-Api-Key': 'original' } });
      const res = await t.as(tenantId).patch(`${BASE}/${id}`, { headers: { 'X-Api-Key': value } });
      expectError(res, 400, 'value of "X-Api-Key"');
      const [row] = await t.dataSource.query(`SELECT headers FROM webhooks WHERE id = $1`, [id]);
      expect(row.headers).toEqual({ 'X-Api-Key': 'original' });
    });

    it('delivers a value of every allowed character byte for byte', async () => {
      const tenantId = randomUUID();
      const visible = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) =>
        String.fromCharCode(0x21 + i),
      ).join('');
      const value = `${visible} inner space\tinner tab  two spaces ${visible}`;
      const { url } = await register(tenantId, {
        events: ['message.sent'],
        headers: { 'X-Every-Char': value, 'X-Empty': '' },
      });
      await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
      const [delivered] = await receiver.waitFor(1, new URL(url).pathname);
      expect(delivered.headers['x-every-char']).toBe(value);
      expect(delivered.headers['x-empty']).toBe('');
    });
    it('fails at once, without sending, a delivery whose stored header value would be altered', async () => {
      const tenantId = randomUUID();
      // Retries left: the failure must be final at once, since retrying cannot help.
      const { id, url } = await register(tenantId, {
        events: ['message.sent'],
        retryPolicy: { maxAttempts: 5 },
        headers: { 'X-Api-Key': 'placeholder' },
      });
      // As saved before values were checked.
      await t.dataSource.query(
        `UPDATE webhooks SET headers = '{"X-Api-Key": "caf\u00e9"}' WHERE id = $1`,
        [id],
      );
      await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
      const [log] = await waitUntil(
        () =>
          t.dataSource.query(
            `SELECT status, error_message, response_status, attempt_count
               FROM webhook_logs WHERE webhook_id = $1`,
            [id],
          ),
        (rows: Array<{ status: string }>) => rows[0]?.status === 'failed',
      );
      expect(log).toEqual({
        status: 'failed',
        attempt_count: 0,
        error_message:
          'Not sent: the value of custom header "X-Api-Key" would be altered on the wire; update the webhook\'s headers',
        response_status: null,
      });
      // The row is final, so nothing will ever be sent for it.
      expect(receiver.received(new URL(url).pathname)).toEqual([]);
    });
  });

  describe('port 0', () => {
    const PORT_ZERO = [
      'http://127.0.0.1:0/',
      'https://example.com:0/hooks',
      'http://example.com:00/hooks',
      'http://[::1]:0/hooks',
    ];

    it.each(PORT_ZERO)('refuses %s at create; nothing written', async (url) => {
      const tenantId = randomUUID();
      const res = await t.as(tenantId).post(BASE, webhookBody({ url }));
      expectError(res, 400, 'url must not use port 0');
      expect(await count('webhooks', tenantId)).toBe(0);
    });

    it.each(PORT_ZERO)('refuses %s on PATCH; the URL unchanged', async (url) => {
      const tenantId = randomUUID();
      const { id, url: before } = await register(tenantId);
      const res = await t.as(tenantId).patch(`${BASE}/${id}`, { url });
      expectError(res, 400, 'url must not use port 0');
      expect((await t.as(tenantId).get(`${BASE}/${id}`).expect(200)).body.url).toBe(before);
    });

    it('refuses at delivery time a port 0 URL stored earlier', async () => {
      const tenantId = randomUUID();
      const { id } = await register(tenantId, {
        events: ['message.sent'],
        retryPolicy: { maxAttempts: 1 },
      });
      await t.dataSource.query(
        `UPDATE webhooks SET url = 'http://127.0.0.1:0/hook' WHERE id = $1`,
        [id],
      );
      await webhooks.triggerEvent(tenantId, 'message.sent', { n: 1 });
      const [log] = await waitUntil(
        () =>
          t.dataSource.query(
            `SELECT status, error_message, response_status FROM webhook_logs WHERE webhook_id = $1`,
            [id],
          ),
        (rows: Array<{ status: string }>) => rows[0]?.status === 'failed',
      );
      expect(log).toEqual({
        status: 'failed',
        error_message: 'EBLOCKEDADDRESS: port 0 is not a valid destination',
        response_status: null,
      });
    });
  });

  describe('response body excerpt', () => {
    async function excerptOf(body: Buffer): Promise<{ bytes: number; text: string; api: string }> {
      const tenantId = randomUUID();
      const { id, url } = await register(tenantId);
      receiver.script(new URL(url).pathname, { status: 200, body });
      const res = await t.as(tenantId).post(`${BASE}/${id}/test`, {}).expect(200);
      const [row] = await t.dataSource.query(
        `SELECT octet_length(response_body) AS bytes, response_body AS text
           FROM webhook_logs WHERE id = $1 AND tenant_id = $2`,
        [res.body.logId, tenantId],
      );
      return { bytes: row.bytes as number, text: row.text as string, api: res.body.responseBody };
    }

    it('keeps at most 1,024 bytes of 2 KiB of 0xFF', async () => {
      const { bytes, text, api } = await excerptOf(Buffer.alloc(2048, 0xff));
      expect(bytes).toBeLessThanOrEqual(1024);
      expect(text).toBe('\uFFFD'.repeat(341));
      expect(api).toBe(text);
    });

    it('drops a multi-byte character cut at the 1,024-byte boundary', async () => {
      // 2 + 3 × 340 = 1,022 bytes; the 341st "日" would end at byte 1,025.
      const { bytes, text } = await excerptOf(Buffer.from('ab' + '日'.repeat(400)));
      expect(bytes).toBe(1022);
      expect(text).toBe('ab' + '日'.repeat(340));
    });

    it('keeps at most 1,024 bytes of NUL bytes, as replacement characters', async () => {
      const { bytes, text } = await excerptOf(Buffer.alloc(2048, 0));
      expect(bytes).toBeLessThanOrEqual(1024);
      expect(text).toBe('\uFFFD'.repeat(341));
    });

    it('keeps a short body as it was', async () => {
      const { text } = await excerptOf(Buffer.from('{"ok":true,"note":"日本"}'));
      expect(text).toBe('{"ok":true,"note":"日本"}');
    });
  });
});
