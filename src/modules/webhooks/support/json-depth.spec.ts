import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';

/** `depth` levels of objects (or arrays), built without recursion. */
function nested(depth: number, container: 'object' | 'array' = 'object'): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level++) {
    value = container === 'object' ? { a: value } : [value];
  }
  return value;
}

describe('nestsDeeperThan', () => {
  it('counts each object or array as one level', () => {
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan({}, 1)).toBe(false);
    expect(nestsDeeperThan([[]], 1)).toBe(true);
    expect(nestsDeeperThan([[]], 2)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: 1 }], c: 'x' }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: {} }], c: 'x' }, 3)).toBe(true);
  });

  it.each(['text', 5, null, undefined, true])('treats the scalar %j as no nesting', (value) => {
    expect(nestsDeeperThan(value, 0)).toBe(false);
  });

  it('finds the one deep branch among shallow ones', () => {
    const value = { shallow: [1, 2, 3], other: { x: 1 }, deep: nested(MAX_JSON_DEPTH) };
    expect(nestsDeeperThan(value, MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(value, MAX_JSON_DEPTH + 1)).toBe(false);
  });

  it.each([10, 1000, 100_000])('answers for %d levels without exhausting the stack', (depth) => {
    for (const container of ['object', 'array'] as const) {
      expect(nestsDeeperThan(nested(depth, container), MAX_JSON_DEPTH)).toBe(
        depth > MAX_JSON_DEPTH,
      );
    }
  });

  it('stops on a cycle', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(nestsDeeperThan(cyclic, MAX_JSON_DEPTH)).toBe(true);
  });
});
