export const MAX_URL_LENGTH = 2048;

/** Why a webhook URL is unusable on syntax alone, or null when it is fine. */
export function webhookUrlProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'url must be a non-empty string';
  if (value.length > MAX_URL_LENGTH) return `url must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'url must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'url must use http or https';
  if (!url.hostname) return 'url must have a host';
  // No server listens on port 0; `:0`, `:00`, … all parse to it.
  if (url.port === '0') return 'url must not use port 0';
  if (url.username || url.password) {
    return 'url must not contain credentials; send them in headers instead';
  }
  if (url.hash) return 'url must not contain a fragment';
  return null;
}
