import { UrlGuard } from '../../url-guard/url-guard';

/** Where a POST goes, in the terms `http.request` takes. */
export interface RequestTarget {
  readonly secure: boolean;
  /** Without IPv6 brackets, as sockets want it. */
  readonly hostname: string;
  /** Undefined for the scheme's default port, so the Host header carries none. */
  readonly port: number | undefined;
  readonly path: string;
  /** `user:password` from a URL stored with credentials (sent as Basic auth), else undefined. */
  readonly auth: string | undefined;
}

/** An `Error` with a code, as the attempt log records it (`CODE: message`). */
class UnsupportedProtocolError extends Error {
  readonly code = 'ERR_BAD_REQUEST';
}

/** Parsed targets kept per URL; a worker posts to the same few URLs over and over. */
const CACHE_LIMIT = 1000;

/**
 * Parses and checks webhook URLs for dialling. The check covers what does not depend on DNS
 * (port 0, a refused IP literal, which never reaches the agent's lookup); names are checked
 * by the lookup on every new connection. Both depend only on the URL and the fixed policy, so
 * a checked target is cached.
 */
export class RequestTargets {
  private readonly cache = new Map<string, RequestTarget>();

  constructor(private readonly guard: UrlGuard) {}

  /** Throws (ERR_INVALID_URL, ERR_BAD_REQUEST, EBLOCKEDADDRESS) for a URL not to dial. */
  resolve(url: string): RequestTarget {
    const cached = this.cache.get(url);
    if (cached) return cached;
    const target = this.parse(url);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(url, target);
    return target;
  }

  private parse(url: string): RequestTarget {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new UnsupportedProtocolError(`Unsupported protocol ${parsed.protocol}`);
    }
    this.guard.assertDialable(parsed);
    const { hostname } = parsed;
    return {
      secure: parsed.protocol === 'https:',
      hostname: hostname.startsWith('[') ? hostname.slice(1, -1) : hostname,
      port: parsed.port ? Number(parsed.port) : undefined,
      path: parsed.pathname + parsed.search,
      auth:
        parsed.username || parsed.password
          ? `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`
          : undefined,
    };
  }
}
