import { once } from 'node:events';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One request as the ordering specs look at it. */
export interface LineRequest {
  /** `data.n` of the delivered envelope: the event's place in the trigger order. */
  n: number;
  attempt: number;
  /** The client's port: which process sent it (see pidOfClientPort). */
  clientPort: number;
  /** When it arrived (epoch ms). */
  at: number;
}

export interface LineResponse {
  status: number;
  delayMs?: number;
  /** Answers only once this settles (or the client went away). */
  until?: Promise<unknown>;
}

/** How a path answers one request: its status after `delayMs`. */
export type LineAnswer = (request: LineRequest) => LineResponse;

/**
 * A real local endpoint that records, per path, the requests in the order they arrived and how
 * many were open at once (from arrival until the response ended or the client went away).
 */
export class LineReceiver {
  private readonly received = new Map<string, LineRequest[]>();
  private readonly open = new Map<string, number>();
  private readonly peak = new Map<string, number>();
  private readonly answers = new Map<string, LineAnswer>();
  private readonly server = http.createServer((req, res) => void this.handle(req, res));

  static async start(): Promise<LineReceiver> {
    const receiver = new LineReceiver();
    receiver.server.listen(0, '127.0.0.1');
    await once(receiver.server, 'listening');
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** How `path` answers from now on (200 at once when never set). */
  answer(path: string, answer: LineAnswer): void {
    this.answers.set(path, answer);
  }

  requests(path: string): LineRequest[] {
    return this.received.get(path) ?? [];
  }

  /** `data.n` of every request to `path`, in arrival order (retries and duplicates included). */
  order(path: string): number[] {
    return this.requests(path).map((request) => request.n);
  }

  /** The most requests to `path` that were open at the same time. */
  maxInFlight(path: string): number {
    return this.peak.get(path) ?? 0;
  }

  async waitFor(path: string, count: number, timeoutMs: number): Promise<LineRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests(path).length < count) {
      if (Date.now() > deadline) {
        throw new Error(`expected ${count} requests at ${path}, got ${this.requests(path).length}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.requests(path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close').catch(() => undefined);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const open = (this.open.get(path) ?? 0) + 1;
    this.open.set(path, open);
    this.peak.set(path, Math.max(this.peak.get(path) ?? 0, open));
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      this.open.set(path, (this.open.get(path) ?? 1) - 1);
    };
    res.once('close', close);

    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const envelope = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { n: number } };
    const request: LineRequest = {
      n: envelope.data.n,
      attempt: Number(req.headers['x-webhook-attempt']),
      clientPort: req.socket.remotePort ?? 0,
      at: Date.now(),
    };
    this.received.set(path, [...this.requests(path), request]);
    const { status, delayMs, until } = (
      this.answers.get(path) ?? ((): LineResponse => ({ status: 200 }))
    )(request);
    if (delayMs) await untilTimeOrClose(res, delayMs);
    if (until) await Promise.race([until, once(res, 'close')]);
    if (res.destroyed) return close();
    // The count drops before the client can read the answer: it never sees itself overlap.
    close();
    res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
  }
}

/** Waits `ms`, or less if the client goes away first (a killed process, say). */
async function untilTimeOrClose(res: http.ServerResponse, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
    once(res, 'close'),
  ]);
  clearTimeout(timer);
}

/**
 * Which of `pids` holds the TCP connection whose local end is `port` (a request's client port):
 * the socket's inode from the kernel's table, then the process with a descriptor on it (Linux).
 */
export function pidOfClientPort(pids: readonly number[], port: number): number | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const sockets = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns[1]?.endsWith(`:${hex}`)) sockets.add(`socket:[${columns[9]}]`);
    }
  }
  return pids.find((pid) =>
    readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return sockets.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false; // closed meanwhile
      }
    }),
  );
}
