import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/** jest's output for test/fixtures/app-logs.fixture.ts, run with the e2e project's settings. */
function runFixture(): Promise<{ code: number | null; output: string }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS jest config
  const { projects } = require('../jest.config.js') as { projects: Array<Record<string, unknown>> };
  const e2e = projects.find((project) => project.displayName === 'e2e');
  const config = {
    ...e2e,
    rootDir: ROOT,
    testMatch: ['<rootDir>/test/fixtures/app-logs.fixture.ts'],
    // This run's database and queue prefix are inherited through the environment.
    globalSetup: undefined,
    globalTeardown: undefined,
  };
  const child = spawn(
    process.execPath,
    [
      ...[require.resolve('jest/bin/jest'), '--config', JSON.stringify(config)],
      ...['--runInBand', '--ci', '--forceExit'],
    ],
    { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

describe('what test apps log (e2e)', () => {
  let run: { code: number | null; output: string };
  beforeAll(async () => {
    run = await runFixture();
  }, 120_000);

  it('runs the fixture: one test passes, one fails', () => {
    expect(run.output).toMatch(/Tests:\s+1 failed, 1 passed, 2 total/);
    expect(run.code).toBe(1);
  });

  it('keeps the errors a passing test provoked off the output', () => {
    expect(run.output).not.toContain('provoked by a passing test');
  });

  it('prints what the app logged during a failing test, Nest and pino lines alike', () => {
    expect(run.output).toContain(
      'What the app logged during the failing test "fails after an error"',
    );
    for (const message of [
      'logged by a failing test (Nest logger)',
      'logged by a failing test (pino)',
    ]) {
      const line = run.output.split('\n').find((l) => l.includes(message));
      expect(JSON.parse(line!)).toMatchObject({ level: 'error', msg: message });
    }
  });
});
