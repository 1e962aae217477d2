import { ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { withTimeout } from '../../src/modules/webhooks/support/with-timeout';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, ProcessOutput, waitForOutput } from './processes';

const ROOT = join(__dirname, '..', '..');
/** A billing app of its own (test/embedding-host) that depends on nothing but the tarball. */
export const EMBEDDING_HOST_DIR = join(ROOT, 'test', 'embedding-host');
const execFileAsync = promisify(execFile);

/** npm as a developer runs it, without the npm_* settings of an enclosing `npm test`. */
function commandEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}

async function run(command: string, args: string[], cwd: string): Promise<void> {
  try {
    await execFileAsync(command, args, { cwd, env: commandEnv(), maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

export interface PackedModule {
  /** The directory `npm pack` wrote the tarball to; the caller removes it. */
  packDir: string;
  tarball: string;
  /** The package as the host has it: test/embedding-host/node_modules/nest-webhooks. */
  installedDir: string;
}

let packed: Promise<PackedModule> | undefined;

/**
 * Packs the repository once per test file (`prepack` builds it), installs the tarball into the
 * embedding host without its peers (they resolve to the repository's node_modules, one level
 * up, as a host's own copies), and compiles the host against the package's declarations.
 */
export function installPackedModule(): Promise<PackedModule> {
  packed ??= (async () => {
    const packDir = mkdtempSync(join(tmpdir(), 'nest-webhooks-pack-'));
    await run('npm', ['pack', '--pack-destination', packDir], ROOT);
    const tarball = join(
      packDir,
      readdirSync(packDir).find((name) => name.endsWith('.tgz'))!,
    );
    const installedDir = join(EMBEDDING_HOST_DIR, 'node_modules', 'nest-webhooks');
    // A previous run's copy of the same version must not be taken for this one.
    rmSync(installedDir, { recursive: true, force: true });
    rmSync(join(EMBEDDING_HOST_DIR, 'dist'), { recursive: true, force: true });
    const install = ['install', '--no-save', '--legacy-peer-deps', '--prefer-offline'];
    await run('npm', [...install, '--no-audit', '--no-fund', tarball], EMBEDDING_HOST_DIR);
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '-p', EMBEDDING_HOST_DIR], EMBEDDING_HOST_DIR);
    return { packDir, tarball, installedDir };
  })();
  return packed;
}

/** The host's environment: only what it reads, so nothing of the repository's test setup leaks in. */
function hostEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, ...env };
}

export interface RunningHost {
  child: ChildProcess;
  port: number;
  output: ProcessOutput;
}

/** Starts the compiled host on a free port and resolves once it says it listens. */
export async function startEmbeddingHost(env: Record<string, string>): Promise<RunningHost> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: EMBEDDING_HOST_DIR,
    env: hostEnv({ ...env, PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new ProcessOutput(child);
  await waitForOutput(child, new RegExp(`billing host listening on port ${port}\\b`), 60000);
  return { child, port, output };
}

/** Runs the host until it exits on its own (a boot that fails), with what it printed. */
export async function runEmbeddingHostToExit(
  env: Record<string, string>,
  timeoutMs = 30000,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: EMBEDDING_HOST_DIR,
    env: hostEnv({ ...env, PORT: String(await freePort()) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new ProcessOutput(child, 1000);
  // 'close', not 'exit': by then everything it printed has been read.
  const closed = once(child, 'close') as Promise<[number | null]>;
  try {
    const [code] = await withTimeout(closed, timeoutMs, `the host still ran after ${timeoutMs} ms`);
    return { code, output: output.recent() };
  } catch (error) {
    // A boot that hangs fails the test instead of passing as a killed process.
    child.kill('SIGKILL');
    await closed;
    throw error;
  }
}
