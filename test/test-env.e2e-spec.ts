import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/**
 * BASE_DATABASE_URL and BASE_REDIS_URL as test/setup/test-env.ts resolves them in a fresh
 * process started in `cwd` (where `npm test` and `npm start` look for `.env`) with `env`.
 */
function baseUrls(cwd: string, env: Record<string, string>): Record<string, string> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name !== 'DATABASE_URL' && name !== 'REDIS_URL'),
  );
  const script = `const e = require(${JSON.stringify(join(ROOT, 'test/setup/test-env.ts'))});
    process.stdout.write(JSON.stringify({ db: e.BASE_DATABASE_URL, redis: e.BASE_REDIS_URL }));`;
  const output = execFileSync(
    process.execPath,
    ['-r', require.resolve('ts-node/register/transpile-only'), '-e', script],
    { cwd, env: { ...inherited, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env } },
  );
  return JSON.parse(output.toString()) as Record<string, string>;
}

describe('the test setup reads .env like npm start', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'webhooks-test-env-'));
    writeFileSync(
      join(dir, '.env'),
      [
        '# Postgres and Redis moved off the usual ports',
        'DATABASE_URL=postgres://postgres@127.0.0.1:55432/webhooks',
        'REDIS_URL=redis://127.0.0.1:56379',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the servers of .env', () => {
    expect(baseUrls(dir, {})).toEqual({
      db: 'postgres://postgres@127.0.0.1:55432/webhooks',
      redis: 'redis://127.0.0.1:56379',
    });
  });

  it('lets the real environment win over .env', () => {
    const env = { DATABASE_URL: 'postgres://postgres@db.internal:5433/webhooks' };
    expect(baseUrls(dir, env)).toEqual({
      db: 'postgres://postgres@db.internal:5433/webhooks',
      redis: 'redis://127.0.0.1:56379',
    });
  });

  it('falls back to the local defaults without .env', () => {
    const empty = join(dir, 'no-dotenv');
    mkdirSync(empty);
    expect(baseUrls(empty, {})).toEqual({
      db: 'postgres://postgres@127.0.0.1:5432/webhooks',
      redis: 'redis://127.0.0.1:6379',
    });
  });
});
