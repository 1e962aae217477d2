import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './helpers/processes';

const ROOT = join(__dirname, '..');
const SCRIPT = join(ROOT, 'scripts', 'services.sh');

/** Runs a command quietly; true when it exits 0. */
function succeeds(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The highest PostgreSQL server version installed (Debian layout). */
function serverVersion(): string {
  const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v));
  return versions.sort((a, b) => Number(b) - Number(a))[0];
}

/**
 * scripts/services.sh as `npm start` runs it, but with stdin closed and no controlling
 * terminal: anything that would prompt can only fail.
 */
function runServices(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn('bash', [SCRIPT], {
    env: { ...process.env, EXTRA_DATABASES: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    timeout: 60_000,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

describe('scripts/services.sh', () => {
  it.each(['services.sh', 'install-chromium.sh'])(
    'scripts/%s installs Debian packages without their recommendations',
    (script) => {
      const installs = readFileSync(join(ROOT, 'scripts', script), 'utf8')
        .split('\n')
        .filter((line) => /apt-get install/.test(line));
      expect(installs.length).toBeGreaterThan(0);
      for (const line of installs) expect(line).toContain('--no-install-recommends');
    },
  );

  // A cluster as Debian's postgresql package creates it: peer auth on the socket, passwords
  // over TCP. The script must let the app's password-less local URL in, without prompting.
  describe('on a local cluster that asks for a password', () => {
    const version = serverVersion();
    const cluster = `services_test_${randomBytes(3).toString('hex')}`;
    const database = 'webhooks_services_test';
    let created = false;
    let port: number;
    let env: Record<string, string>;

    beforeAll(async () => {
      if (process.getuid?.() !== 0 || !succeeds('sh', ['-c', 'command -v pg_createcluster'])) {
        throw new Error(
          'this spec runs scripts/services.sh against a throwaway Postgres cluster: run it as ' +
            'root on Debian with the postgresql package (pg_createcluster) installed',
        );
      }
      port = await freePort();
      execFileSync(
        'pg_createcluster',
        [
          ...['--start-conf', 'manual', '--port', String(port), '--start'],
          ...[version, cluster, '--', '--auth-local=peer', '--auth-host=scram-sha-256'],
        ],
        { stdio: 'ignore' },
      );
      created = true;
      env = { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/${database}` };
    });

    afterAll(() => {
      if (created)
        execFileSync('pg_dropcluster', ['--stop', version, cluster], { stdio: 'ignore' });
    });

    const serverLog = () =>
      readFileSync(`/var/log/postgresql/postgresql-${version}-${cluster}.log`, 'utf8');

    it('creates the database without prompting, and a second run changes nothing', async () => {
      const first = await runServices(env);
      expect(first.output).not.toMatch(/Password for user/);
      expect(first).toMatchObject({ code: 0 });
      expect(first.output).toContain(`database ${database}: created`);

      const client = new Client({ connectionString: env.DATABASE_URL });
      await client.connect();
      try {
        const { rows } = await client.query('SELECT current_database() AS name');
        expect(rows).toEqual([{ name: database }]);
      } finally {
        await client.end();
      }

      const second = await runServices(env);
      expect(second).toMatchObject({ code: 0 });
      expect(second.output).toContain(`database ${database}: exists`);
      const hba = readFileSync(`/etc/postgresql/${version}/${cluster}/pg_hba.conf`, 'utf8');
      expect(hba.match(/added by scripts\/services\.sh/g)).toHaveLength(1);
    });

    it('never connects as the operating system user', () => {
      expect(serverLog()).toContain('database system is ready to accept connections');
      expect(serverLog()).not.toMatch(/role "\w+" does not exist/);
    });
  });
});
