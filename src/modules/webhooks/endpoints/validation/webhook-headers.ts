export const MAX_CUSTOM_HEADERS = 20;
/**
 * Custom headers ride on every delivery, and receivers commonly refuse requests whose headers
 * exceed 8 to 16 KiB in all; 8 KiB of names and values leaves room for the sender's own.
 */
export const MAX_CUSTOM_HEADERS_BYTES = 8 * 1024;
const MAX_HEADER_VALUE_LENGTH = 2048;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
// What an HTTP client sends byte for byte: visible ASCII, spaces and tabs (RFC 9110 field-value
// without obs-text). Anything else is dropped, trimmed or re-encoded on the wire.
const SENDABLE_VALUE = /^[\t\x20-\x7e]*$/;
// Receivers' HTTP parsers strip it: the value would not arrive as stored.
const EDGE_WHITESPACE = /^[\t ]|[\t ]$/;
const RESERVED = new Set(['content-type', 'host', 'content-length', 'user-agent']);
const RESERVED_PREFIXES = ['webhook-', 'x-webhook-'];
// Hop-by-hop and framing headers would corrupt the request rather than decorate it.
const FORBIDDEN = new Set([
  'connection',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);

/** Every reason a custom header map is unacceptable (empty when it is fine). */
export function customHeaderProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return ['headers must be an object of header names to string values'];
  }
  const entries = Object.entries(value);
  const problems: string[] = [];
  if (entries.length > MAX_CUSTOM_HEADERS) {
    problems.push(`headers must have at most ${MAX_CUSTOM_HEADERS} entries`);
  }
  const seen = new Set<string>();
  for (const [name, headerValue] of entries) {
    const lower = name.toLowerCase();
    if (!TOKEN.test(name)) problems.push(`headers: "${name}" is not a valid header name`);
    else if (RESERVED.has(lower) || RESERVED_PREFIXES.some((p) => lower.startsWith(p))) {
      problems.push(`headers: "${name}" is reserved and set by the sender`);
    } else if (FORBIDDEN.has(lower)) problems.push(`headers: "${name}" may not be set`);
    else if (seen.has(lower)) problems.push(`headers: "${name}" is given twice`);
    seen.add(lower);
    if (typeof headerValue !== 'string') {
      problems.push(`headers: value of "${name}" must be a string`);
    } else if (headerValue.length > MAX_HEADER_VALUE_LENGTH) {
      problems.push(
        `headers: value of "${name}" must be at most ${MAX_HEADER_VALUE_LENGTH} characters`,
      );
    } else if (!SENDABLE_VALUE.test(headerValue)) {
      problems.push(
        `headers: value of "${name}" may contain only visible ASCII characters, spaces and tabs`,
      );
    } else if (EDGE_WHITESPACE.test(headerValue)) {
      problems.push(`headers: value of "${name}" must not begin or end with a space or tab`);
    }
  }
  const bytes = entries.reduce(
    (sum, [name, headerValue]) =>
      sum + Buffer.byteLength(name) + Buffer.byteLength(String(headerValue)),
    0,
  );
  if (bytes > MAX_CUSTOM_HEADERS_BYTES) {
    problems.push(
      `headers take ${bytes} bytes of names and values; the limit is ${MAX_CUSTOM_HEADERS_BYTES}`,
    );
  }
  return problems;
}

/** Whether an HTTP client sends `value` byte for byte, as RFC 9110 field-value allows. */
function isSendableValue(value: string): boolean {
  return SENDABLE_VALUE.test(value) && !EDGE_WHITESPACE.test(value);
}

/**
 * The first stored header whose value would not arrive as stored (saved before values were
 * checked at create): such a delivery is failed rather than sent with an altered credential.
 */
export function unsendableHeaderName(headers: Record<string, string>): string | null {
  for (const [name, value] of Object.entries(headers)) {
    if (!isSendableValue(value)) return name;
  }
  return null;
}
