import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import http from 'node:http';
import https from 'node:https';
import { UrlGuard } from '../url-guard/url-guard';
import { HttpAttemptResult, networkError } from './http/http-attempt-result';
import { postOnce } from './http/post-once';
import { RequestTargets } from './http/request-target';

export type { HttpAttemptResult } from './http/http-attempt-result';

/**
 * One POST per call over keep-alive agents. Never follows redirects, never throws: every
 * outcome (status, network error, timeout) comes back as a result to record.
 */
@Injectable()
export class WebhookHttpClient implements OnApplicationShutdown {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly targets: RequestTargets;

  constructor(guard: UrlGuard) {
    // Every new connection resolves through the SSRF guard, on the address actually dialled.
    const agentOptions = { keepAlive: true, maxSockets: 512, lookup: guard.lookup };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
    this.targets = new RequestTargets(guard);
  }

  post(
    url: string,
    body: string,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<HttpAttemptResult> {
    let target;
    try {
      target = this.targets.resolve(url);
    } catch (error) {
      return Promise.resolve({
        statusCode: null,
        responseBody: null,
        responseTimeMs: 0,
        error: networkError(error),
        retryAfterMs: null,
      });
    }
    const agent = target.secure ? this.httpsAgent : this.httpAgent;
    return postOnce({ target, agent, body, headers, timeoutMs });
  }

  /** After the workers' graceful close (beforeApplicationShutdown), never before it. */
  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
