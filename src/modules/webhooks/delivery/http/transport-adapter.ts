import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import http from 'node:http';
import { HttpAttemptResult, networkError } from './http-attempt-result';
import { postOnce } from './post-once';
import { RequestTargets } from './request-target';

export interface TransportAgents {
  http: http.Agent;
  https: http.Agent;
}

/**
 * The axios adapter the delivery client runs on: a POST through postOnce instead of axios'
 * own http adapter (its per-request AbortController, setKeepAlive call, redirect and
 * decompression machinery). It never rejects: the response's `data` is the attempt's result,
 * every outcome included (status, network error, timeout, refused address).
 */
export function transportAdapter(targets: RequestTargets, agents: TransportAgents): AxiosAdapter {
  return async (config: InternalAxiosRequestConfig): Promise<AxiosResponse<HttpAttemptResult>> => {
    const result = await attempt(config);
    return {
      data: result,
      status: result.statusCode ?? 0,
      statusText: '',
      headers: {},
      config,
      request: null,
    };
  };

  function attempt(config: InternalAxiosRequestConfig): Promise<HttpAttemptResult> {
    let target;
    try {
      target = targets.resolve(config.url!);
    } catch (error) {
      return Promise.resolve({
        statusCode: null,
        responseBody: null,
        responseTimeMs: 0,
        error: networkError(error),
        retryAfterMs: null,
      });
    }
    return postOnce({
      target,
      agent: target.secure ? agents.https : agents.http,
      body: config.data as string,
      headers: config.headers.toJSON(true) as Record<string, string>,
      timeoutMs: config.timeout!,
    });
  }
}
