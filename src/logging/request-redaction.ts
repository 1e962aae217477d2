export const REDACTED = '[Redacted]';

/**
 * Request headers logged with their value. Any other header is logged by name only, so a
 * credential in a header we never heard of (`X-Access-Token`, `X-Api-Key`, …) stays out.
 */
const LOGGED_REQUEST_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'connection',
  'content-encoding',
  'content-length',
  'content-type',
  'forwarded',
  'host',
  'origin',
  'traceparent',
  'tracestate',
  'user-agent',
  'via',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-proto',
  'x-real-ip',
  'x-request-id',
]);

/** Response headers logged with their value; `set-cookie` (the admin login's JWT) is not one. */
const LOGGED_RESPONSE_HEADERS = new Set([
  'cache-control',
  'content-length',
  'content-type',
  'etag',
  'retry-after',
  'x-request-id',
]);

/**
 * Query parameters whose value is redacted: a name containing any of these, in any case.
 * Callers put tokens in the URL (`?access_token=`, `?jwt=`, `?api_key=`) despite the docs, and
 * over-redacting a harmless parameter costs nothing.
 */
const SECRET_PARAMETER = /token|secret|key|pass|pwd|auth|sig|jwt|session|cookie|code|credential/i;

export function redactRequestHeaders(headers: unknown): unknown {
  return keepValuesOf(headers, LOGGED_REQUEST_HEADERS);
}

export function redactResponseHeaders(headers: unknown): unknown {
  return keepValuesOf(headers, LOGGED_RESPONSE_HEADERS);
}

/** The URL with the value of every secret-looking query parameter redacted, byte for byte otherwise. */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const pairs = url
    .slice(start + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      return isSecretParameter(decodedName(name)) ? `${name}=${REDACTED}` : pair;
    });
  return `${url.slice(0, start)}?${pairs.join('&')}`;
}

/** The parsed query with the same parameters redacted, nested objects (`a[token]=`) included. */
export function redactQuery(query: unknown): unknown {
  if (typeof query !== 'object' || query === null) return query;
  if (Array.isArray(query)) return query.map(redactQuery);
  return Object.fromEntries(
    Object.entries(query).map(([name, value]) => [
      name,
      isSecretParameter(name) ? REDACTED : redactQuery(value),
    ]),
  );
}

function isSecretParameter(name: string): boolean {
  return SECRET_PARAMETER.test(name);
}

/** Percent-escapes decoded one by one, so a malformed one elsewhere cannot hide `%74oken`. */
function decodedName(name: string): string {
  return name.replace(/%([0-9a-f]{2})/gi, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

function keepValuesOf(headers: unknown, logged: Set<string>): unknown {
  if (typeof headers !== 'object' || headers === null) return headers;
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      logged.has(name.toLowerCase()) ? value : REDACTED,
    ]),
  );
}
