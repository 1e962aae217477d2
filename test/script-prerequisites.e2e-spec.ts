import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const ROOT = join(__dirname, '..');

/** A directory holding every command of PATH except `missing`, as on a minimal Debian. */
function pathWithout(missing: string, dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const source of (process.env.PATH ?? '').split(delimiter).filter(existsSync)) {
    for (const name of readdirSync(source)) {
      if (name !== missing && !existsSync(join(bin, name))) {
        symlinkSync(join(source, name), join(bin, name));
      }
    }
  }
  return bin;
}

function run(script: string, env: Record<string, string>) {
  const child = spawn('bash', [join(ROOT, 'scripts', script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, output })),
  );
}

describe('the smoke scripts without curl', () => {
  let dir: string;
  let path: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'webhooks-no-curl-'));
    path = pathWithout('curl', dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scripts/test-webhooks-api.sh says curl is missing and how to install it', async () => {
    const { code, output } = await run('test-webhooks-api.sh', {
      PATH: path,
      BASE_URL: 'http://127.0.0.1:1',
    });
    expect(output).toBe('FAIL 0 setup: curl is required (on Debian: apt-get install curl)\n');
    expect(code).toBe(2);
  });

  it('scripts/smoke-fresh-server.sh says so before it builds or creates anything', async () => {
    const { code, output } = await run('smoke-fresh-server.sh', { PATH: path });
    expect(output).toBe('error: curl is required (on Debian: apt-get install curl)\n');
    expect(code).toBe(2);
  });
});
