import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { withTimeout } from '../../src/modules/webhooks/support/with-timeout';

const ROOT = join(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Resolves once `child` printed a line matching `pattern`; rejects if it exits first. It stops
 * listening then, so a process that floods its output later is not buffered here.
 */
export function waitForOutput(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const done = (error?: Error) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(
      () => done(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) done();
    };
    const onExit = (code: number | null) =>
      done(new Error(`process exited with ${code} before ${pattern}:\n${output}`));
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** What a process printed (stdout and stderr): counted in full, the last chunks kept. */
export class ProcessOutput {
  lines = 0;
  bytes = 0;
  private readonly tail: string[] = [];

  constructor(
    child: ChildProcess,
    private readonly keep = 50,
  ) {
    const onData = (chunk: Buffer) => {
      this.bytes += chunk.length;
      const text = chunk.toString();
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lines++;
      this.tail.push(text);
      if (this.tail.length > this.keep) this.tail.shift();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  }

  /** The most recent output (the last `keep` chunks). */
  recent(): string {
    return this.tail.join('');
  }
}

/** A throwaway Redis on its own port, so a test can stop and restart it. */
export async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await waitForOutput(child, /Ready to accept connections/, 10000);
  return child;
}

/** `npm run start:worker`'s process (API disabled), from the TypeScript sources. */
export async function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...env,
      API_ENABLED: 'false',
      WORKER_ENABLED: 'true',
      DB_MIGRATIONS_RUN: 'false',
      // The readiness line below is logged at info.
      LOG_LEVEL: env.LOG_LEVEL ?? 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForOutput(child, /Running without the HTTP API/, 60000);
  return child;
}

/** How a process ended: its exit code, or the signal that killed it. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Sends `signal` and waits up to `timeoutMs` for the process to exit; one still running then is
 * killed (SIGKILL) and the promise rejects, so a test never hangs on a process that ignores it.
 */
export async function stopWithin(
  child: ChildProcess,
  timeoutMs: number,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return { code: child.exitCode, signal: child.signalCode };
  }
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  child.kill(signal);
  try {
    const [code, exitSignal] = await withTimeout(
      exited,
      timeoutMs,
      `process did not exit within ${timeoutMs} ms of ${signal}`,
    );
    return { code, signal: exitSignal };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
}

export async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}
