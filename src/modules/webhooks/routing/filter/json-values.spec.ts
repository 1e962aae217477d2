import { isJsonValue, isPlainObject, jsonEquals } from './json-values';

describe('jsonEquals', () => {
  it.each([
    [1, 1],
    ['a', 'a'],
    [null, null],
    [true, true],
    [[], []],
    [{}, {}],
    [
      [1, [2, { a: 3 }]],
      [1, [2, { a: 3 }]],
    ],
    [
      { a: 1, b: { c: [1, 2] } },
      { b: { c: [1, 2] }, a: 1 },
    ],
  ])('%j equals %j', (left, right) => {
    expect(jsonEquals(left, right)).toBe(true);
  });

  it.each([
    [1, '1'],
    [0, false],
    [null, {}],
    [null, 0],
    [[], {}],
    [
      [1, 2],
      [2, 1],
    ],
    [[1], [1, 1]],
    [{ a: 1 }, { a: 1, b: 2 }],
    [{ a: 1, b: 2 }, { a: 1 }],
    [{ a: undefined }, { b: undefined }],
    [{ a: { b: 1 } }, { a: { b: '1' } }],
  ])('%j differs from %j', (left, right) => {
    expect(jsonEquals(left, right)).toBe(false);
  });

  it('does not count inherited properties as keys', () => {
    const inherited = Object.create({ a: 1 }) as Record<string, unknown>;
    expect(jsonEquals({ a: 1 }, inherited)).toBe(false);
  });
});

describe('isJsonValue', () => {
  it('accepts what JSON carries', () => {
    expect(isJsonValue({ a: [1, 'x', null, true, { b: -2.5 }] })).toBe(true);
    expect(isJsonValue(Object.assign(Object.create(null), { a: 1 }))).toBe(true);
  });

  it.each([
    ['NaN', NaN],
    ['Infinity', { a: Infinity }],
    ['undefined', [undefined]],
    ['a Date', { at: new Date(0) }],
    ['a function', { f: () => 1 }],
    ['a bigint', 1n],
    ['a Map', new Map()],
  ])('refuses %s', (_name, value) => {
    expect(isJsonValue(value)).toBe(false);
  });

  it('refuses values nested deeper than a payload may be', () => {
    let deep: unknown = 1;
    for (let level = 0; level < 65; level++) deep = [deep];
    expect(isJsonValue(deep)).toBe(false);
  });
});

describe('isPlainObject', () => {
  it('tells plain objects from arrays, null and class instances', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(null)).toBe(false);
    expect(isPlainObject(new Date())).toBe(false);
  });
});
