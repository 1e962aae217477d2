import { once } from 'node:events';
import http, { IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface ScriptedResponse {
  status: number;
  /** Text is sent as UTF-8; a Buffer byte for byte. */
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
  /** Send the headers and the body's first byte, then wait this long before the rest. */
  stallBodyMs?: number;
}

/**
 * A real local HTTP endpoint that records every request. Responses are scripted per path in
 * order; once a script runs out, the endpoint answers 200.
 */
export class TestReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly scripts = new Map<string, ScriptedResponse[]>();
  private readonly waiters: Array<() => void> = [];
  private readonly server = http.createServer((req, res) => void this.handle(req, res));

  static async start(): Promise<TestReceiver> {
    const receiver = new TestReceiver();
    receiver.server.keepAliveTimeout = 5000;
    receiver.server.listen(0, '127.0.0.1');
    await once(receiver.server, 'listening');
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Answers the next requests to `path` with these responses, in order. */
  script(path: string, ...responses: ScriptedResponse[]): void {
    this.scripts.set(path, [...(this.scripts.get(path) ?? []), ...responses]);
  }

  received(path?: string): ReceivedRequest[] {
    return path ? this.requests.filter((r) => r.path === path) : this.requests;
  }

  /** Resolves once `count` requests reached `path` (or any path), or rejects after `timeoutMs`. */
  async waitFor(count: number, path?: string, timeoutMs = 15000): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received(path).length < count) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `expected ${count} requests at ${path ?? 'any path'}, got ${this.received(path).length}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received(path);
  }

  reset(): void {
    this.requests.length = 0;
    this.scripts.clear();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close').catch(() => undefined);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? '/';
    this.requests.push({
      method: req.method ?? '',
      path,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      receivedAt: Date.now(),
    });
    this.waiters.splice(0).forEach((wake) => wake());
    const response = this.scripts.get(path)?.shift() ?? { status: 200, body: 'ok' };
    if (response.delayMs) await new Promise((resolve) => setTimeout(resolve, response.delayMs));
    if (res.destroyed) return;
    res.writeHead(response.status, response.headers ?? { 'content-type': 'text/plain' });
    const body = response.body ?? '';
    if (response.stallBodyMs) {
      res.write(body.slice(0, 1));
      await new Promise((resolve) => setTimeout(resolve, response.stallBodyMs));
      if (res.destroyed) return;
    }
    res.end(response.stallBodyMs ? body.slice(1) : body);
  }
}
