import { BadRequestException } from '@nestjs/common';
import { RejectNulCharactersPipe } from './reject-nul-characters.pipe';

const pipe = new RejectNulCharactersPipe();
const body = { type: 'body' } as const;

/** The 400's messages, or null when the pipe let the value through unchanged. */
function refusal(value: unknown, metadata: { type: 'body' | 'query' | 'param' } = body) {
  try {
    expect(pipe.transform(value, metadata)).toBe(value);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return ((error as BadRequestException).getResponse() as { message: string[] }).message;
  }
}

/** `depth` levels of `{ a: … }` around `leaf`, built without recursion. */
function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

describe('RejectNulCharactersPipe', () => {
  it('lets values without NUL through unchanged', () => {
    expect(
      refusal({ name: 'CRM', tags: ['a', 'b'], n: 5, none: null, nested: { ok: true } }),
    ).toBeNull();
    expect(refusal('plain')).toBeNull();
  });

  it('names the path of a NUL in a nested string or array element', () => {
    expect(refusal({ a: { b: [{ c: 'ok' }, { c: 'x\u0000' }] } })).toEqual([
      'a.b[1].c must not contain NUL (\\u0000) characters',
    ]);
    expect(refusal(['ok', 'a\u0000'])).toEqual(['[1] must not contain NUL (\\u0000) characters']);
  });

  it('names a key holding a NUL', () => {
    expect(refusal({ meta: { 'k\u0000': 'v' } })).toEqual([
      'meta.k\u0000 must not contain NUL (\\u0000) characters',
    ]);
  });

  it('reports the first NUL in key order, depth first', () => {
    expect(refusal({ a: { deep: 'x\u0000' }, b: 'y\u0000', 'c\u0000': 1 })).toEqual([
      'a.deep must not contain NUL (\\u0000) characters',
    ]);
    expect(refusal({ a: 'ok', 'b\u0000': { c: 'z\u0000' } })).toEqual([
      'b\u0000 must not contain NUL (\\u0000) characters',
    ]);
  });

  it('names the body or query itself for a bare string', () => {
    expect(refusal('a\u0000b')).toEqual(['body must not contain NUL (\\u0000) characters']);
    expect(refusal('a\u0000b', { type: 'query' })).toEqual([
      'query must not contain NUL (\\u0000) characters',
    ]);
  });

  it('checks bodies and queries only', () => {
    expect(refusal({ id: 'a\u0000' }, { type: 'query' })).not.toBeNull();
    expect(refusal('a\u0000b', { type: 'param' })).toBeNull();
  });

  it('walks 100,000 levels without exhausting the stack', () => {
    expect(refusal(nested(100_000, 'clean'))).toBeNull();
    const [message] = refusal(nested(100_000, 'a\u0000b')) ?? [];
    expect(message).toBe(`a${'.a'.repeat(99_999)} must not contain NUL (\\u0000) characters`);
  });
});
