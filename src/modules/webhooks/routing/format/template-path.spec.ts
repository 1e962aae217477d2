import { parsePath, readPath } from './template-path';

describe('parsePath', () => {
  it.each([
    ['type', ['type']],
    ['data.message.to', ['data', 'message', 'to']],
    ['data.items.0.sku', ['data', 'items', '0', 'sku']],
    ['data.message-id', ['data', 'message-id']],
    ['data.$ref.snake_case', ['data', '$ref', 'snake_case']],
  ])('splits %s', (path, segments) => {
    expect(parsePath(path)).toEqual({ segments });
  });

  it.each([
    ['', 'has no path'],
    [
      'data..to',
      'is not a dotted path (names of letters, digits, "_", "$" or "-", array indexes as numbers)',
    ],
    [
      'data.a b',
      'is not a dotted path (names of letters, digits, "_", "$" or "-", array indexes as numbers)',
    ],
    [
      'data["to"]',
      'is not a dotted path (names of letters, digits, "_", "$" or "-", array indexes as numbers)',
    ],
    [
      'data.',
      'is not a dotted path (names of letters, digits, "_", "$" or "-", array indexes as numbers)',
    ],
    ['data.__proto__.polluted', 'reads "__proto__", which is not allowed'],
    ['constructor', 'reads "constructor", which is not allowed'],
    ['data.fn.prototype', 'reads "prototype", which is not allowed'],
    ['message.to', 'must start with id, type, timestamp or data'],
    ['0', 'must start with id, type, timestamp or data'],
  ])('refuses %j', (path, problem) => {
    expect(parsePath(path)).toEqual({ problem });
  });
});

describe('readPath', () => {
  const envelope = JSON.parse(
    '{"id":"evt_1","data":{"items":[{"sku":"A"},{"sku":"B"}],"byDigit":{"0":"zero"},"name":"Ada"}}',
  ) as unknown;

  it('reads nested fields and array indexes', () => {
    expect(readPath(envelope, ['id'])).toBe('evt_1');
    expect(readPath(envelope, ['data', 'items', '1', 'sku'])).toBe('B');
    expect(readPath(envelope, ['data', 'items', '0'])).toEqual({ sku: 'A' });
    expect(readPath(envelope, ['data', 'byDigit', '0'])).toBe('zero');
  });

  it('finds nothing past the data: missing keys, indexes out of range, scalars', () => {
    expect(readPath(envelope, ['data', 'missing'])).toBeUndefined();
    expect(readPath(envelope, ['data', 'items', '2', 'sku'])).toBeUndefined();
    expect(readPath(envelope, ['data', 'items', '01'])).toBeUndefined();
    expect(readPath(envelope, ['data', 'items', 'sku'])).toBeUndefined();
    expect(readPath(envelope, ['data', 'name', '0'])).toBeUndefined();
  });

  it('never reaches prototypes, methods or lengths', () => {
    expect(readPath(envelope, ['data', '__proto__'])).toBeUndefined();
    expect(readPath(envelope, ['data', 'constructor'])).toBeUndefined();
    expect(readPath(envelope, ['data', 'toString'])).toBeUndefined();
    expect(readPath(envelope, ['data', 'hasOwnProperty'])).toBeUndefined();
    expect(readPath(envelope, ['data', 'items', 'length'])).toBeUndefined();
    expect(readPath(envelope, ['data', 'name', 'length'])).toBeUndefined();
    expect(readPath(envelope, ['data', 'items', 'map'])).toBeUndefined();
  });
});
