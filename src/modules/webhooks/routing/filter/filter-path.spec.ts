import { FilterPath, MISSING, parseFilterPath, resolvePath } from './filter-path';

function path(text: string): FilterPath {
  const parsed = parseFilterPath(text);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed;
}

const envelope = {
  id: 'evt_1',
  type: 'order.created',
  timestamp: '2026-12-02T08:00:00.000Z',
  data: {
    items: [{ sku: 'A-1' }, { sku: 'B-2', tags: ['x'] }],
    byNumber: { '0': 'zero', '01': 'zero-one' },
    empty: null,
  },
};

describe('parseFilterPath', () => {
  it('splits a dotted path and marks the segments that can index an array', () => {
    expect(parseFilterPath('data.items.10.sku')).toEqual({
      segments: ['data', 'items', '10', 'sku'],
      indexes: [undefined, undefined, 10, undefined],
    });
  });

  it('takes only canonical numbers as indexes', () => {
    expect(path('data.01.+1.-1.1e2').indexes).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it.each(['', 'data.', '.data', 'data..items'])('refuses %j: a segment is empty', (text) => {
    expect(parseFilterPath(text)).toEqual({
      problem: 'a path is names separated by single dots, none of them empty',
    });
  });

  it('refuses a path that does not start at a field of the envelope', () => {
    expect(parseFilterPath('message.to')).toEqual({
      problem: 'a path starts at a field of the envelope: id, type, timestamp, data',
    });
  });

  it('accepts 255 characters and refuses 256', () => {
    expect(parseFilterPath(`data.${'a'.repeat(250)}`)).toHaveProperty('segments');
    expect(parseFilterPath(`data.${'a'.repeat(251)}`)).toEqual({
      problem: 'a path must be at most 255 characters',
    });
  });
});

describe('resolvePath', () => {
  it('reads envelope fields, nested fields and array elements', () => {
    expect(resolvePath(envelope, path('type'))).toBe('order.created');
    expect(resolvePath(envelope, path('data.items.1.sku'))).toBe('B-2');
    expect(resolvePath(envelope, path('data.items.1.tags.0'))).toBe('x');
    expect(resolvePath(envelope, path('data.items.0'))).toEqual({ sku: 'A-1' });
  });

  it('reads numeric keys of objects as property names', () => {
    expect(resolvePath(envelope, path('data.byNumber.0'))).toBe('zero');
    expect(resolvePath(envelope, path('data.byNumber.01'))).toBe('zero-one');
  });

  it('tells a present null from a missing path', () => {
    expect(resolvePath(envelope, path('data.empty'))).toBeNull();
    expect(resolvePath(envelope, path('data.absent'))).toBe(MISSING);
    expect(resolvePath(envelope, path('data.empty.below'))).toBe(MISSING);
  });

  it.each([
    'data.items.2.sku',
    'data.items.01',
    'data.items.sku',
    'data.items.length',
    'data.constructor',
    'data.__proto__',
    'data.items.0.sku.length',
    'id.0',
  ])('finds nothing at %s', (text) => {
    expect(resolvePath(envelope, path(text))).toBe(MISSING);
  });

  it('treats an own property holding undefined as missing', () => {
    expect(resolvePath({ data: { a: undefined } }, path('data.a'))).toBe(MISSING);
  });
});
