/** What one POST to a webhook came to: every outcome is a result to record, never a throw. */
export interface HttpAttemptResult {
  statusCode: number | null;
  responseBody: string | null;
  responseTimeMs: number;
  error: string | null;
  retryAfterMs: number | null;
}

/** The error recorded for a status: null for 2xx; a 3xx names the redirect it did not follow. */
export function statusError(status: number): string | null {
  if (status >= 200 && status < 300) return null;
  if (status >= 300 && status < 400) return `Redirect (HTTP ${status}) not followed`;
  return `HTTP ${status}`;
}

/** `CODE: message` for errors that carry a code (ECONNREFUSED, EBLOCKEDADDRESS, …). */
export function networkError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  return code ? `${code}: ${message ?? 'request failed'}` : (message ?? 'request failed');
}

export function timeoutError(timeoutMs: number): string {
  return `Timed out after ${timeoutMs} ms`;
}
