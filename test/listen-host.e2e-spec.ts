import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { freePort, stop } from './helpers/processes';

const ROOT = join(__dirname, '..');
const JWT_SECRET = 'listen-host-spec-jwt-secret-0123456789abcdef';
const ENCRYPTION_KEY = Buffer.alloc(32, 9).toString('base64');

interface Server {
  child: ChildProcess;
  /** Resolves once the API listens; rejects with the output if the process exits first. */
  listening: Promise<void>;
  /** Resolves with the exit code and everything the process printed. */
  exited: Promise<{ code: number | null; output: string }>;
}

/** `npm start`'s process (the API only), from the TypeScript sources, without HOST set. */
function startServer(env: Record<string, string>): Server {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name !== 'HOST'),
  );
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...inherited, WORKER_ENABLED: 'false', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, output })),
  );
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/API listening on/.test(output)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code }) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return { child, listening, exited };
}

/** True when a TCP connection to host:port is accepted. */
async function accepts(host: string, port: number): Promise<boolean> {
  const socket = connect({ host, port });
  try {
    await once(socket, 'connect');
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

/** Addresses of this machine other than 127.0.0.1: another loopback one and the LAN ones. */
function otherAddresses(): string[] {
  const lan = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
  return ['127.0.0.2', ...lan];
}

describe('the address the API listens on (e2e)', () => {
  it('is 127.0.0.1 only unless HOST says otherwise', async () => {
    const port = await freePort();
    const server = startServer({ PORT: String(port) });
    try {
      await server.listening;
      expect(await accepts('127.0.0.1', port)).toBe(true);
      for (const address of otherAddresses()) {
        expect({ address, accepted: await accepts(address, port) }).toEqual({
          address,
          accepted: false,
        });
      }
    } finally {
      await stop(server.child);
    }
  }, 60_000);

  it('is every interface with HOST=0.0.0.0 and real secrets', async () => {
    const port = await freePort();
    const server = startServer({
      PORT: String(port),
      HOST: '0.0.0.0',
      JWT_SECRET,
      WEBHOOK_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY,
    });
    try {
      await server.listening;
      for (const address of ['127.0.0.1', ...otherAddresses()]) {
        expect({ address, accepted: await accepts(address, port) }).toEqual({
          address,
          accepted: true,
        });
      }
    } finally {
      await stop(server.child);
    }
  }, 60_000);

  it('refuses to boot off loopback with the development JWT secret, naming it', async () => {
    const port = await freePort();
    const server = startServer({
      PORT: String(port),
      HOST: '0.0.0.0',
      WEBHOOK_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY,
    });
    server.listening.catch(() => undefined);
    const { code, output } = await server.exited;
    expect(code).toBe(1);
    expect(output).toContain('JWT_SECRET: must be set when HOST=0.0.0.0 is not a loopback address');
    expect(output).not.toMatch(/listening on/);
  }, 60_000);
});
