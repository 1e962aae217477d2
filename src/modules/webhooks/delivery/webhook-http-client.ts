import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Axios, AxiosResponse } from 'axios';
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { UrlGuard } from '../url-guard/url-guard';
import { RESPONSE_EXCERPT_BYTES, responseExcerpt } from './response-excerpt';
import { parseRetryAfter } from './retry-schedule';

/** Bytes read before giving up on keeping the connection for reuse. */
const DRAIN_LIMIT = 64 * 1024;

export interface HttpAttemptResult {
  statusCode: number | null;
  responseBody: string | null;
  responseTimeMs: number;
  error: string | null;
  retryAfterMs: number | null;
}

/**
 * One POST per call over keep-alive agents. Never follows redirects, never throws: every
 * outcome (status, network error, timeout) comes back as a result to record.
 */
@Injectable()
export class WebhookHttpClient implements OnApplicationShutdown {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly axios: Axios;

  constructor(private readonly guard: UrlGuard) {
    // Every new connection resolves through the SSRF guard, on the address actually dialled.
    const agentOptions = { keepAlive: true, maxSockets: 512, lookup: guard.lookup };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
    // A bare Axios instance: without the library defaults there is nothing to merge into
    // each request and no transform to run over a body that is already the signed bytes.
    this.axios = new Axios({
      adapter: 'http',
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      maxRedirects: 0,
      responseType: 'stream',
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true },
      proxy: false,
    });
  }

  async post(
    url: string,
    body: string,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<HttpAttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    // One deadline for connecting, the response and its body (axios' own timeout is an idle
    // timeout); a plain timer, cleared at once, costs far less than AbortSignal.timeout.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    try {
      // IP literals never reach the agent's lookup, and no lookup knows the port.
      this.guard.assertDialable(new URL(url));
      // request(), not post(): post() merges the config once more.
      const response: AxiosResponse<Readable> = await this.axios.request({
        method: 'POST',
        url,
        data: body,
        headers,
        signal: deadline.signal,
      });
      const responseBody = await readLimited(response.data);
      return {
        statusCode: response.status,
        responseBody,
        responseTimeMs: elapsed(),
        error: response.status >= 200 && response.status < 300 ? null : describeStatus(response),
        retryAfterMs: parseRetryAfter(response.headers['retry-after'] as string | undefined),
      };
    } catch (error) {
      const timedOut = deadline.signal.aborted || (error as { code?: string }).code === 'ETIMEDOUT';
      return {
        statusCode: null,
        responseBody: null,
        responseTimeMs: elapsed(),
        error: timedOut ? `Timed out after ${timeoutMs} ms` : networkError(error),
        retryAfterMs: null,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  /** After the workers' graceful close (beforeApplicationShutdown), never before it. */
  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/**
 * The body's first RESPONSE_EXCERPT_BYTES bytes as text. A body past DRAIN_LIMIT is cut off
 * (its connection is not reused); one that stops short (deadline, reset) rejects.
 */
function readLimited(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let read = 0;
    let finished = false;
    // A receiver's bytes must never make recording fail: valid UTF-8 without NUL, ≤ 1 KiB.
    const text = () => responseExcerpt(Buffer.concat(chunks));
    stream.on('data', (chunk: Buffer) => {
      if (read < RESPONSE_EXCERPT_BYTES) chunks.push(chunk);
      read += chunk.length;
      if (read > DRAIN_LIMIT) {
        finished = true;
        resolve(text());
        stream.destroy();
      }
    });
    stream.once('end', () => {
      finished = true;
      resolve(text());
    });
    stream.once('error', reject);
    stream.once('close', () => {
      if (!finished) reject(new Error('The response ended before its body'));
    });
  });
}

function describeStatus(response: AxiosResponse): string {
  if (response.status >= 300 && response.status < 400) {
    return `Redirect (HTTP ${response.status}) not followed`;
  }
  return `HTTP ${response.status}`;
}

function networkError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  return code ? `${code}: ${message ?? 'request failed'}` : (message ?? 'request failed');
}
