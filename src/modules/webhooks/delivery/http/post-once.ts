import http from 'node:http';
import https from 'node:https';
import { parseRetryAfter } from '../retry-schedule';
import { HttpAttemptResult, networkError, statusError, timeoutError } from './http-attempt-result';
import { RequestTarget } from './request-target';
import { ResponseExcerptReader } from './response-excerpt-reader';

export interface OnePost {
  target: RequestTarget;
  /** The keep-alive agent for the target's scheme; its lookup is the SSRF guard's. */
  agent: http.Agent;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/**
 * One POST over node:http(s), never following a redirect and never throwing. `timeoutMs` is
 * one deadline for connecting, the response and its whole body: a receiver trickling bytes
 * runs into it as surely as a silent one.
 */
export function postOnce(post: OnePost): Promise<HttpAttemptResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const settle = (
      statusCode: number | null,
      responseBody: string | null,
      error: string | null,
      retryAfterMs: number | null,
    ) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve({
        statusCode,
        responseBody,
        responseTimeMs: Math.round(performance.now() - started),
        error,
        retryAfterMs,
      });
    };
    let request: http.ClientRequest | undefined;
    const deadline = setTimeout(() => {
      settle(null, null, timeoutError(post.timeoutMs), null);
      request?.destroy();
    }, post.timeoutMs);
    const fail = (error: unknown) => {
      const timedOut = (error as { code?: string }).code === 'ETIMEDOUT';
      settle(null, null, timedOut ? timeoutError(post.timeoutMs) : networkError(error), null);
    };

    const onResponse = (response: http.IncomingMessage) => {
      const status = response.statusCode ?? 0;
      const excerpt = new ResponseExcerptReader();
      const done = () =>
        settle(
          status,
          excerpt.text(),
          statusError(status),
          parseRetryAfter(response.headers['retry-after']),
        );
      response.on('data', (chunk: Buffer) => {
        // Past the drain limit the body is cut off and the connection not reused.
        if (excerpt.add(chunk)) {
          done();
          response.destroy();
        }
      });
      response.once('end', done);
      // Reset mid-body: ECONNRESET "aborted".
      response.once('error', fail);
      // Closed without an end or an error; after the outcome, nothing to build an error for.
      response.once('close', () => {
        if (!settled) fail(new Error('The response ended before its body'));
      });
    };

    try {
      request = (post.target.secure ? https : http).request(
        {
          agent: post.agent,
          method: 'POST',
          hostname: post.target.hostname,
          port: post.target.port,
          path: post.target.path,
          auth: post.target.auth,
          headers: { ...post.headers, 'content-length': Buffer.byteLength(post.body) },
        },
        onResponse,
      );
    } catch (error) {
      // Refused before anything was sent: an invalid header name or value.
      fail(error);
      return;
    }
    // Errors after the outcome (the socket hanging up on a destroyed request) change nothing.
    request.on('error', fail);
    request.end(post.body);
  });
}
