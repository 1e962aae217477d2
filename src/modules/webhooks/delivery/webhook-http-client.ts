import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Axios } from 'axios';
import http from 'node:http';
import https from 'node:https';
import { UrlGuard } from '../url-guard/url-guard';
import { HttpAttemptResult } from './http/http-attempt-result';
import { RequestTargets } from './http/request-target';
import { transportAdapter } from './http/transport-adapter';

export type { HttpAttemptResult } from './http/http-attempt-result';

/**
 * One POST per call over keep-alive agents, through axios on the module's own transport
 * (http/transport-adapter.ts). Never follows redirects, never throws: every outcome (status,
 * network error, timeout) comes back as a result to record.
 */
@Injectable()
export class WebhookHttpClient implements OnApplicationShutdown {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly axios: Axios;

  constructor(guard: UrlGuard) {
    // Every new connection resolves through the SSRF guard, on the address actually dialled.
    const agentOptions = { keepAlive: true, maxSockets: 512, lookup: guard.lookup };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
    // An Axios of its own, not axios.create(): without the library's defaults (headers per
    // method, transitional options, ...) each request has half as much config to merge.
    this.axios = new Axios({
      adapter: transportAdapter(new RequestTargets(guard), {
        http: this.httpAgent,
        https: this.httpsAgent,
      }),
      // The body goes as built (it is signed) and the answer comes back as the attempt's result.
      transformRequest: [],
      transformResponse: [],
      validateStatus: null,
    });
  }

  async post(
    url: string,
    body: string,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<HttpAttemptResult> {
    const response = await this.axios.post<HttpAttemptResult>(url, body, {
      headers,
      timeout: timeoutMs,
    });
    return response.data;
  }

  /** After the workers' graceful close (beforeApplicationShutdown), never before it. */
  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
