import { once } from 'node:events';
import http from 'node:http';
import net, { AddressInfo, Socket } from 'node:net';
import { WebhooksConfig } from '../options/webhooks-config';
import { HostResolver, ResolvedAddress } from '../url-guard/host-resolver';
import { UrlGuard } from '../url-guard/url-guard';
import { DRAIN_LIMIT } from './http/response-excerpt-reader';
import { WebhookHttpClient } from './webhook-http-client';

/** DNS answers set per name, the way a rebinding attacker's server would give them. */
class ScriptedResolver extends HostResolver {
  readonly answers = new Map<string, string>();
  override async resolve(hostname: string): Promise<ResolvedAddress[]> {
    const address = this.answers.get(hostname);
    if (!address)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  }
}

interface Seen {
  method: string;
  url: string;
  rawHeaders: string[];
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A real local endpoint: each test sets how it answers; it records requests and connections. */
class Endpoint {
  readonly requests: Seen[] = [];
  connections = 0;
  answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) =>
    res.end('ok');
  private readonly sockets = new Set<Socket>();
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { method = '', url = '', rawHeaders, headers } = req;
      this.requests.push({ method, url, rawHeaders, headers, body: Buffer.concat(chunks) });
      this.answer(req, res);
    });
  });

  static async start(): Promise<Endpoint> {
    const endpoint = new Endpoint();
    endpoint.server.on('connection', (socket: Socket) => {
      endpoint.connections++;
      endpoint.sockets.add(socket);
      socket.once('close', () => endpoint.sockets.delete(socket));
    });
    endpoint.server.listen(0, '127.0.0.1');
    await once(endpoint.server, 'listening');
    return endpoint;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hook', host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
    await once(this.server, 'close');
  }
}

const BODY = JSON.stringify({ id: 'evt_1', type: 'message.sent', data: { text: 'Grüße' } });
const HEADERS = {
  'content-type': 'application/json',
  'user-agent': 'Nest-Webhooks/1.2.3',
  'webhook-id': 'evt_1',
  'x-api-key': 'k-123',
};

function clientWith(options: { allowPrivateUrls: boolean; allowedHosts?: string[] }) {
  const dns = new ScriptedResolver();
  const config = { allowedHosts: [], ...options } as unknown as WebhooksConfig;
  return { client: new WebhookHttpClient(new UrlGuard(dns, config)), dns };
}

describe('WebhookHttpClient (real local HTTP servers)', () => {
  let endpoint: Endpoint;
  let client: WebhookHttpClient;

  beforeEach(async () => {
    endpoint = await Endpoint.start();
    client = clientWith({ allowPrivateUrls: true }).client;
  });
  afterEach(async () => {
    client.onApplicationShutdown();
    await endpoint.close();
  });

  it('POSTs the body byte for byte with exactly the given headers', async () => {
    const result = await client.post(endpoint.url('/hook?x=1'), BODY, HEADERS, 2000);

    expect(result).toMatchObject({ statusCode: 200, responseBody: 'ok', error: null });
    const [seen] = endpoint.requests;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/hook?x=1');
    expect(seen.body.toString('utf8')).toBe(BODY);
    const names = seen.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names.sort()).toEqual(
      [...Object.keys(HEADERS), 'content-length', 'host', 'connection'].sort(),
    );
    expect(seen.headers['content-length']).toBe(String(Buffer.byteLength(BODY)));
    expect(seen.headers['user-agent']).toBe('Nest-Webhooks/1.2.3');
    expect(seen.headers.host).toBe(`127.0.0.1:${endpoint.port}`);
  });

  it('keeps the connection alive between attempts', async () => {
    await client.post(endpoint.url(), BODY, HEADERS, 2000);
    await client.post(endpoint.url(), BODY, HEADERS, 2000);
    expect(endpoint.requests).toHaveLength(2);
    expect(endpoint.connections).toBe(1);
  });

  it('records a non-2xx status with its excerpt and Retry-After', async () => {
    endpoint.answer = (_req, res) => {
      res.writeHead(429, { 'retry-after': '7' });
      res.end('slow down');
    };
    const result = await client.post(endpoint.url(), BODY, HEADERS, 2000);
    expect(result).toEqual({
      statusCode: 429,
      responseBody: 'slow down',
      responseTimeMs: expect.any(Number),
      error: 'HTTP 429',
      retryAfterMs: 7000,
    });
  });

  it('does not follow a redirect: the 3xx is the outcome', async () => {
    endpoint.answer = (req, res) => {
      if (req.url === '/moved') {
        res.writeHead(302, { location: endpoint.url('/target') });
        res.end();
      } else res.end('followed');
    };
    const result = await client.post(endpoint.url('/moved'), BODY, HEADERS, 2000);
    expect(result).toMatchObject({
      statusCode: 302,
      error: 'Redirect (HTTP 302) not followed',
    });
    expect(endpoint.requests.map((r) => r.url)).toEqual(['/moved']);
  });

  it('keeps the first KiB of a body sent in pieces', async () => {
    endpoint.answer = (_req, res) => {
      res.write('a'.repeat(700));
      setImmediate(() => res.end('b'.repeat(700)));
    };
    const result = await client.post(endpoint.url(), BODY, HEADERS, 2000);
    expect(result.responseBody).toBe('a'.repeat(700) + 'b'.repeat(324));
    expect(result.error).toBeNull();
  });

  it('turns NUL and invalid UTF-8 in the excerpt into U+FFFD', async () => {
    endpoint.answer = (_req, res) => res.end(Buffer.from([0x61, 0x00, 0x62, 0xff, 0x63]));
    const result = await client.post(endpoint.url(), BODY, HEADERS, 2000);
    expect(result.responseBody).toBe('a\uFFFDb\uFFFDc');
  });

  it('drains a body past the excerpt without keeping it, and reuses the connection', async () => {
    endpoint.answer = (_req, res) => res.end('x'.repeat(DRAIN_LIMIT - 1));
    const result = await client.post(endpoint.url(), BODY, HEADERS, 2000);
    expect(result).toMatchObject({ statusCode: 200, responseBody: 'x'.repeat(1024) });
    await client.post(endpoint.url(), BODY, HEADERS, 2000);
    expect(endpoint.connections).toBe(1);
  });

  it('cuts off a huge body once past the drain limit, keeping the success', async () => {
    let serverSide!: http.ServerResponse;
    let serverClosed!: Promise<unknown>;
    endpoint.answer = (_req, res) => {
      serverSide = res;
      serverClosed = once(res, 'close');
      res.writeHead(200, { 'content-length': String(64 * 1024 * 1024) });
      const chunk = Buffer.alloc(64 * 1024, 'y');
      // Writes until the client stops reading and the socket goes away.
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    };
    const result = await client.post(endpoint.url(), BODY, HEADERS, 5000);
    expect(result).toMatchObject({
      statusCode: 200,
      responseBody: 'y'.repeat(1024),
      error: null,
    });
    await serverClosed;
    expect(serverSide.writableFinished).toBe(false);
    // The cut-off connection is not reused.
    await client.post(endpoint.url(), BODY, HEADERS, 2000);
    expect(endpoint.connections).toBe(2);
  });

  it('times out a receiver that never answers', async () => {
    endpoint.answer = () => undefined;
    const result = await client.post(endpoint.url(), BODY, HEADERS, 300);
    expect(result).toMatchObject({
      statusCode: null,
      responseBody: null,
      error: 'Timed out after 300 ms',
    });
    expect(result.responseTimeMs).toBeGreaterThanOrEqual(290);
  });

  it('times out a body that stalls after the headers: one deadline for the whole attempt', async () => {
    const stalled: http.ServerResponse[] = [];
    endpoint.answer = (_req, res) => {
      res.writeHead(200);
      res.write('o');
      // The rest comes only once the client has given up.
      stalled.push(res);
    };
    const result = await client.post(endpoint.url(), BODY, HEADERS, 300);
    expect(result).toMatchObject({ statusCode: null, error: 'Timed out after 300 ms' });
    expect(result.responseTimeMs).toBeGreaterThanOrEqual(290);
    expect(result.responseTimeMs).toBeLessThan(1500);
    for (const res of stalled) res.end('k');
  });

  it('times out a body that trickles a byte at a time', async () => {
    endpoint.answer = (_req, res) => {
      res.writeHead(200);
      const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write('.')), 50);
    };
    const result = await client.post(endpoint.url(), BODY, HEADERS, 400);
    expect(result).toMatchObject({ statusCode: null, error: 'Timed out after 400 ms' });
  });

  it('records a connection reset in the middle of the body', async () => {
    endpoint.answer = (req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial', () => req.socket.destroy());
    };
    const result = await client.post(endpoint.url(), BODY, HEADERS, 2000);
    expect(result).toMatchObject({ statusCode: null, responseBody: null });
    expect(result.error).toMatch(/^ECONNRESET: /);
  });

  it('records a connection closed before any response', async () => {
    endpoint.answer = (req) => req.socket.destroy();
    const result = await client.post(endpoint.url(), BODY, HEADERS, 2000);
    expect(result).toMatchObject({ statusCode: null, error: 'ECONNRESET: socket hang up' });
  });

  it('records a refused connection', async () => {
    const port = endpoint.port;
    await endpoint.close();
    endpoint = await Endpoint.start();
    const result = await client.post(`http://127.0.0.1:${port}/hook`, BODY, HEADERS, 2000);
    expect(result).toMatchObject({
      statusCode: null,
      error: `ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });

  it.each([
    ['an invalid URL', 'not a url', 'ERR_INVALID_URL: Invalid URL'],
    ['another scheme', 'ftp://example.com/hook', 'ERR_BAD_REQUEST: Unsupported protocol ftp:'],
    ['port 0', 'http://example.com:0/hook', 'EBLOCKEDADDRESS: port 0 is not a valid destination'],
  ])('refuses %s without sending', async (_case, url, error) => {
    const result = await client.post(url, BODY, HEADERS, 2000);
    expect(result).toMatchObject({ statusCode: null, responseBody: null, error });
  });

  it('never lets a header value inject a header (axios drops the line break)', async () => {
    // The delivery service refuses such values before sending (unsendableHeaderName).
    const result = await client.post(endpoint.url(), BODY, { 'x-bad': 'a\r\nx-injected: 1' }, 2000);
    expect(result).toMatchObject({ statusCode: 200, error: null });
    const [seen] = endpoint.requests.slice(-1);
    expect(seen.headers['x-injected']).toBeUndefined();
    expect(seen.headers['x-bad']).toBe('ax-injected: 1');
  });
});

describe('WebhookHttpClient SSRF guard on the address dialled', () => {
  let endpoint: Endpoint;
  beforeAll(async () => (endpoint = await Endpoint.start()));
  afterAll(() => endpoint.close());

  it('refuses a name that resolves to a private address, without connecting', async () => {
    const { client, dns } = clientWith({ allowPrivateUrls: false });
    dns.answers.set('rebind.test', '127.0.0.1');
    const connectionsBefore = endpoint.connections;
    try {
      const result = await client.post(endpoint.url('/hook', 'rebind.test'), BODY, HEADERS, 2000);
      expect(result).toMatchObject({
        statusCode: null,
        error: 'EBLOCKEDADDRESS: rebind.test resolves to 127.0.0.1 is a loopback address',
      });
      expect(endpoint.connections).toBe(connectionsBefore);
    } finally {
      client.onApplicationShutdown();
    }
  });

  it('refuses a private IP literal, which never reaches the lookup', async () => {
    const { client } = clientWith({ allowPrivateUrls: false });
    const connectionsBefore = endpoint.connections;
    try {
      const result = await client.post(endpoint.url(), BODY, HEADERS, 2000);
      expect(result).toMatchObject({
        statusCode: null,
        error: 'EBLOCKEDADDRESS: the host is a loopback address',
      });
      expect(endpoint.connections).toBe(connectionsBefore);
    } finally {
      client.onApplicationShutdown();
    }
  });

  it('delivers to an allowed host that resolves to loopback, with its name as Host', async () => {
    const { client, dns } = clientWith({ allowPrivateUrls: false, allowedHosts: ['allowed.test'] });
    dns.answers.set('allowed.test', '127.0.0.1');
    try {
      const result = await client.post(endpoint.url('/ok', 'allowed.test'), BODY, HEADERS, 2000);
      expect(result).toMatchObject({ statusCode: 200, error: null });
      expect(endpoint.requests.at(-1)?.headers.host).toBe(`allowed.test:${endpoint.port}`);
    } finally {
      client.onApplicationShutdown();
    }
  });

  it('checks the lookup again on a new connection: a name rebound to loopback is refused', async () => {
    const { client, dns } = clientWith({ allowPrivateUrls: false, allowedHosts: ['first.test'] });
    dns.answers.set('first.test', '127.0.0.1');
    dns.answers.set('second.test', '127.0.0.1');
    try {
      const first = await client.post(endpoint.url('/a', 'first.test'), BODY, HEADERS, 2000);
      expect(first.statusCode).toBe(200);
      // The same address under a name that is not exempt: the open connection is not reused.
      const second = await client.post(endpoint.url('/b', 'second.test'), BODY, HEADERS, 2000);
      expect(second.error).toBe(
        'EBLOCKEDADDRESS: second.test resolves to 127.0.0.1 is a loopback address',
      );
      expect(endpoint.requests.map((r) => r.url)).not.toContain('/b');
    } finally {
      client.onApplicationShutdown();
    }
  });
});

describe('WebhookHttpClient over https', () => {
  it('opens TLS for an https URL, with the name as SNI, and records a failed handshake', async () => {
    // A TCP server that reads the ClientHello and hangs up.
    let hello!: Buffer;
    const server = net.createServer((socket) =>
      socket.once('data', (chunk: Buffer) => {
        hello = chunk;
        socket.destroy();
      }),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const { client, dns } = clientWith({ allowPrivateUrls: true });
    dns.answers.set('tls.test', '127.0.0.1');
    try {
      const result = await client.post(`https://tls.test:${port}/hook`, BODY, HEADERS, 2000);
      expect(result).toMatchObject({ statusCode: null, responseBody: null });
      expect(result.error).toMatch(/^ECONNRESET: /);
      // A TLS handshake record carrying the server name.
      expect(hello[0]).toBe(0x16);
      expect(hello.includes(Buffer.from('tls.test'))).toBe(true);
    } finally {
      client.onApplicationShutdown();
      server.close();
    }
  });

  it('checks the address an https connection dials too', async () => {
    const { client, dns } = clientWith({ allowPrivateUrls: false });
    dns.answers.set('rebind.test', '10.0.0.7');
    try {
      const result = await client.post('https://rebind.test/hook', BODY, HEADERS, 2000);
      expect(result.error).toBe(
        'EBLOCKEDADDRESS: rebind.test resolves to 10.0.0.7 is a private address',
      );
    } finally {
      client.onApplicationShutdown();
    }
  });
});
