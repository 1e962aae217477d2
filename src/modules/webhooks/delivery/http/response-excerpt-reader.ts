import { isAscii } from 'node:buffer';
import { RESPONSE_EXCERPT_BYTES, responseExcerpt } from '../response-excerpt';

/** Bytes read before giving up on keeping the connection for reuse. */
export const DRAIN_LIMIT = 64 * 1024;

/**
 * Keeps the first RESPONSE_EXCERPT_BYTES of a response body and only counts the rest, which
 * is read (so the connection can be reused) but never held.
 */
export class ResponseExcerptReader {
  private readonly parts: Buffer[] = [];
  private kept = 0;
  /** Body bytes seen so far, kept or not. */
  read = 0;

  /** Takes one chunk; true once the body is past DRAIN_LIMIT and should be cut off. */
  add(chunk: Buffer): boolean {
    this.read += chunk.length;
    const room = RESPONSE_EXCERPT_BYTES - this.kept;
    if (room > 0) {
      // A copy of the part that fits: a view would pin the whole chunk until the attempt ends.
      const part = chunk.length <= room ? chunk : Buffer.from(chunk.subarray(0, room));
      this.parts.push(part);
      this.kept += part.length;
    }
    return this.read > DRAIN_LIMIT;
  }

  /** Valid UTF-8 without NUL, at most RESPONSE_EXCERPT_BYTES bytes. */
  text(): string {
    if (this.parts.length === 0) return '';
    const bytes = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.kept);
    // Most receivers answer short ASCII ("ok", JSON): already valid text, nothing to decode.
    if (isAscii(bytes) && !bytes.includes(0)) return bytes.toString('latin1');
    return responseExcerpt(bytes);
  }
}
