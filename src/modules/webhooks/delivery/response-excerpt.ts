/** Bytes of a response body kept on the log: the limit is on the stored UTF-8, not the input. */
export const RESPONSE_EXCERPT_BYTES = 1024;

/**
 * The start of a response body as valid UTF-8 text of at most `maxBytes` bytes. Invalid bytes
 * and NUL (which Postgres text cannot hold) become U+FFFD, which takes three bytes, so the
 * text is cut again after decoding; a character cut at the limit is dropped, not replaced.
 */
export function responseExcerpt(body: Buffer, maxBytes = RESPONSE_EXCERPT_BYTES): string {
  // `stream: true` holds back a sequence cut at the end instead of replacing it.
  const decoded = new TextDecoder('utf-8', { ignoreBOM: true })
    .decode(body.subarray(0, maxBytes), { stream: true })
    .replaceAll('\u0000', '\uFFFD');
  const encoded = Buffer.from(decoded, 'utf8');
  if (encoded.length <= maxBytes) return decoded;
  // Back up to the first byte of the character that does not fit (continuations are 10xxxxxx).
  let end = maxBytes;
  while (end > 0 && (encoded[end] & 0xc0) === 0x80) end--;
  return encoded.subarray(0, end).toString('utf8');
}
