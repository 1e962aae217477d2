import { ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { signPayload } from '../src/modules/webhooks/signing/webhook-signer';
import { WebhooksService } from '../src/modules/webhooks/webhooks.service';
import { freePort, stop } from './helpers/processes';
import { createTestApp, TestApp, webhookBody } from './helpers/test-app';
import { waitUntil } from './helpers/waiting';

const ROOT = join(__dirname, '..');
const BASE = '/api/v1/webhooks';
const FAST_RETRIES = { maxAttempts: 3, backoff: 'fixed', initialDelayMs: 100, maxDelayMs: 1000 };

type Scheme = 'standard' | 'simple';

interface Example {
  file: string;
  command: string;
  scheme: Scheme;
}

/** The receivers docs/webhooks.md shows, run exactly as a reader would run them. */
const EXAMPLES: Example[] = [
  { file: 'verify-standardwebhooks.js', command: process.execPath, scheme: 'standard' },
  { file: 'verify-crypto.js', command: process.execPath, scheme: 'standard' },
  { file: 'verify.py', command: 'python3', scheme: 'standard' },
  { file: 'verify-simple.js', command: process.execPath, scheme: 'simple' },
];

interface RunningExample {
  child: ChildProcess;
  port: number;
  secret: string;
  /** Every stdout line, parsed: the example prints one JSON object per request. */
  lines: Array<{ verified: boolean; type: string | null }>;
}

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** Starts an example with its own port and secret; resolves once it is listening. */
async function startExample(example: Example): Promise<RunningExample> {
  const port = await freePort();
  const secret = newSecret();
  const child = spawn(example.command, [join(ROOT, 'docs', 'examples', example.file)], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), WEBHOOK_SECRET: secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running: RunningExample = { child, port, secret, lines: [] };
  createInterface({ input: child.stdout! }).on('line', (line) =>
    running.lines.push(JSON.parse(line)),
  );
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(
      () => reject(new Error(`${example.file} did not start:\n${stderr}`)),
      10000,
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/listening on/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${example.file} exited with ${code}:\n${stderr}`));
    });
  });
  return running;
}

/** Standard Webhooks headers for `body`, signed with `secret` at `timestamp` (Unix seconds). */
function standardHeaders(secret: string, id: string, timestamp: number, body: string) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${signature}`,
  };
}

describe('docs/ examples (e2e)', () => {
  let t: TestApp;
  let webhooks: WebhooksService;
  let markdown: string;
  const running = new Map<string, RunningExample>();

  beforeAll(async () => {
    t = await createTestApp();
    webhooks = t.app.get(WebhooksService);
    markdown = readFileSync(join(ROOT, 'docs', 'webhooks.md'), 'utf8');
    for (const example of EXAMPLES) running.set(example.file, await startExample(example));
  });
  afterAll(async () => {
    await Promise.all([...running.values()].map(({ child }) => stop(child)));
    await t?.close();
  });

  async function register(tenantId: string, receiver: RunningExample): Promise<{ id: string }> {
    const res = await t
      .as(tenantId)
      .post(
        BASE,
        webhookBody({
          url: `http://127.0.0.1:${receiver.port}/webhooks`,
          events: ['message.sent'],
          secret: receiver.secret,
          retryPolicy: FAST_RETRIES,
        }),
      )
      .expect(201);
    return res.body;
  }

  async function finalLogs(tenantId: string, webhookId: string, count: number) {
    return waitUntil(
      async () => (await t.as(tenantId).get(`${BASE}/${webhookId}/logs`).expect(200)).body.data,
      (logs: Array<{ status: string }>) =>
        logs.length === count && logs.every((l) => l.status === 'success' || l.status === 'failed'),
    );
  }

  /** Triggers message.sent and waits for the example's line and the log's final status. */
  async function deliverOnce(tenantId: string, receiver: RunningExample) {
    const seen = receiver.lines.length;
    const result = await webhooks.triggerEvent(tenantId, 'message.sent', {
      message: { id: randomUUID(), to: '+15550123456', body: 'Your order has shipped ✓' },
    });
    expect(result.deliveries).toBe(1);
    const lines = await waitUntil(
      async () => receiver.lines.slice(seen),
      (fresh) => fresh.length > 0,
    );
    return { line: lines[0], result };
  }

  describe.each(EXAMPLES)('$file', (example) => {
    const source = () => readFileSync(join(ROOT, 'docs', 'examples', example.file), 'utf8');

    it('appears verbatim in docs/webhooks.md', () => {
      expect(markdown).toContain(source().trim());
    });

    it('verifies a real delivery and answers 204, which the log records as success', async () => {
      const receiver = running.get(example.file)!;
      const tenantId = randomUUID();
      const webhook = await register(tenantId, receiver);

      const { line } = await deliverOnce(tenantId, receiver);
      expect(line).toEqual({ verified: true, type: 'message.sent' });
      const [log] = await finalLogs(tenantId, webhook.id, 1);
      expect(log).toMatchObject({ status: 'success', responseStatus: 204, attemptCount: 1 });
    });

    it('answers 400 to a POST signed with the wrong secret', async () => {
      const receiver = running.get(example.file)!;
      const id = `evt_${randomUUID().replace(/-/g, '')}`;
      const body = JSON.stringify({
        id,
        type: 'message.sent',
        timestamp: new Date().toISOString(),
        data: { message: { id: 'forged' } },
      });
      const wrong = newSecret();
      const headers =
        example.scheme === 'standard'
          ? standardHeaders(wrong, id, Math.floor(Date.now() / 1000), body)
          : {
              'x-webhook-signature': `sha256=${createHmac('sha256', wrong).update(body).digest('hex')}`,
            };
      const seen = receiver.lines.length;
      const res = await fetch(`http://127.0.0.1:${receiver.port}/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      expect(res.status).toBe(400);
      const [line] = await waitUntil(
        async () => receiver.lines.slice(seen),
        (fresh) => fresh.length > 0,
      );
      expect(line).toEqual({ verified: false, type: null });
    });

    if (example.scheme === 'standard') {
      it('rejects a correctly signed request whose timestamp is over 5 minutes old', async () => {
        const receiver = running.get(example.file)!;
        const id = `evt_${randomUUID().replace(/-/g, '')}`;
        const body = JSON.stringify({ id, type: 'message.sent', timestamp: '', data: {} });
        const stale = Math.floor(Date.now() / 1000) - 6 * 60;
        const seen = receiver.lines.length;
        const res = await fetch(`http://127.0.0.1:${receiver.port}/webhooks`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...standardHeaders(receiver.secret, id, stale, body),
          },
          body,
        });
        expect(res.status).toBe(400);
        const [line] = await waitUntil(
          async () => receiver.lines.slice(seen),
          (fresh) => fresh.length > 0,
        );
        expect(line).toEqual({ verified: false, type: null });
      });

      it('keeps verifying with the old secret during a rotation grace period', async () => {
        const receiver = running.get(example.file)!;
        const tenantId = randomUUID();
        const webhook = await register(tenantId, receiver);
        const rotated = await t
          .as(tenantId)
          .post(`${BASE}/${webhook.id}/rotate-secret`, { gracePeriodHours: 1 })
          .expect(200);
        expect(rotated.body.secret).not.toBe(receiver.secret);

        const { line } = await deliverOnce(tenantId, receiver);
        expect(line).toEqual({ verified: true, type: 'message.sent' });
        const [log] = await finalLogs(tenantId, webhook.id, 1);
        expect(log).toMatchObject({ status: 'success', responseStatus: 204 });
      });
    } else {
      it('fails after a rotation until it has the new secret, as webhooks.md warns', async () => {
        const receiver = running.get(example.file)!;
        const tenantId = randomUUID();
        const webhook = await register(tenantId, receiver);
        await t
          .as(tenantId)
          .post(`${BASE}/${webhook.id}/rotate-secret`, { gracePeriodHours: 1 })
          .expect(200);

        const { line } = await deliverOnce(tenantId, receiver);
        expect(line).toEqual({ verified: false, type: null });
        const [log] = await finalLogs(tenantId, webhook.id, 1);
        expect(log).toMatchObject({ status: 'failed', responseStatus: 400 });
      });
    }
  });

  it('documents a test vector that matches what the signer produces', () => {
    const id = 'evt_5d0b7f3a9c144c7a9e213f6c2a1e8b4d';
    const body = markdown.match(/^\{"id":"evt_5d0b7f3a9c144c7a9e213f6c2a1e8b4d".*\}$/m)![0];
    const current = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const previous = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
    const single = signPayload([current], id, 1768473001, body);
    expect(markdown).toContain(`webhook-id: ${id}\nwebhook-timestamp: 1768473001\n`);
    expect(markdown).toContain(`webhook-signature: ${single['webhook-signature']}\n`);
    expect(markdown).toContain(`x-webhook-signature: ${single['x-webhook-signature']}\n`);
    const rotated = signPayload([current, previous], id, 1768473001, body);
    expect(rotated['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    expect(markdown).toContain(`webhook-signature: ${rotated['webhook-signature']}\n`);
  });
});
