import { RESPONSE_EXCERPT_BYTES, responseExcerpt } from './response-excerpt';

const bytesOf = (text: string) => Buffer.byteLength(text, 'utf8');
/** Valid UTF-8 survives a round trip through bytes unchanged. */
const isValidText = (text: string) => Buffer.from(text, 'utf8').toString('utf8') === text;

describe('responseExcerpt', () => {
  it('keeps 1,024 bytes by default', () => {
    expect(RESPONSE_EXCERPT_BYTES).toBe(1024);
    expect(responseExcerpt(Buffer.from('x'.repeat(5000)))).toBe('x'.repeat(1024));
  });

  it.each([
    ['an empty body', ''],
    ['ASCII', '{"ok":true}'],
    ['multi-byte text', 'Grüße, 日本, 🪝'],
    ['a byte order mark', '\uFEFFhello'],
    ['U+FFFF', 'a\uFFFFb'],
  ])('keeps %s as it is', (_, text) => {
    expect(responseExcerpt(Buffer.from(text))).toBe(text);
  });

  it('keeps a body of exactly the limit whole', () => {
    const text = 'a' + '日'.repeat(341);
    expect(bytesOf(text)).toBe(1024);
    expect(responseExcerpt(Buffer.from(text))).toBe(text);
  });

  it.each([
    ['a 2-byte', 'é', 2],
    ['a 3-byte', '日', 3],
    ['a 4-byte', '🪝', 4],
  ])('drops %s character cut at the boundary', (_, char, size) => {
    // One byte short of the limit before the last character, so it is cut after its first byte.
    const head = 'a'.repeat(RESPONSE_EXCERPT_BYTES - 1);
    expect(responseExcerpt(Buffer.from(head + char + 'tail'))).toBe(head);
    // Its last byte one past the limit.
    const near = 'a'.repeat(RESPONSE_EXCERPT_BYTES - size + 1);
    expect(responseExcerpt(Buffer.from(near + char))).toBe(near);
  });

  it('turns invalid bytes into U+FFFD and still keeps at most 1,024 bytes', () => {
    const excerpt = responseExcerpt(Buffer.alloc(2048, 0xff));
    expect(excerpt).toBe('\uFFFD'.repeat(341));
    expect(bytesOf(excerpt)).toBe(1023);
  });

  it('turns NUL bytes into U+FFFD and still keeps at most 1,024 bytes', () => {
    expect(responseExcerpt(Buffer.from('a\u0000b'))).toBe('a\uFFFDb');
    const excerpt = responseExcerpt(Buffer.alloc(2048, 0));
    expect(excerpt).toBe('\uFFFD'.repeat(341));
    expect(bytesOf(excerpt)).toBe(1023);
  });

  it('replaces a broken sequence inside the text but not one cut at the end', () => {
    // "\xE6\x97" is the start of "日" without its last byte.
    const body = Buffer.concat([Buffer.from('a'), Buffer.from([0xe6, 0x97]), Buffer.from('b')]);
    expect(responseExcerpt(body)).toBe('a\uFFFDb');
    expect(responseExcerpt(Buffer.from([0x61, 0xe6, 0x97]), 3)).toBe('a');
  });

  it.each([
    ['invalid bytes', Buffer.alloc(3000, 0xc3)],
    ['mixed garbage', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256))],
    ['4-byte characters', Buffer.from('🪝'.repeat(600))],
    ['lone continuation bytes', Buffer.alloc(1500, 0x80)],
  ])('always answers valid text within the limit for %s', (_, body) => {
    for (const limit of [1, 2, 3, 5, 100, 1023, 1024]) {
      const excerpt = responseExcerpt(body, limit);
      expect(bytesOf(excerpt)).toBeLessThanOrEqual(limit);
      expect(isValidText(excerpt)).toBe(true);
      expect(excerpt).not.toContain('\u0000');
    }
  });
});
