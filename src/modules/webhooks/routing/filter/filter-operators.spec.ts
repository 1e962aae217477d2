import { compileFilter } from './compile-filter';
import { FilterEnvelope } from './filter-types';

const envelope: FilterEnvelope = {
  id: 'evt_1',
  type: 'message.sent',
  timestamp: '2026-12-02T08:00:00.000Z',
  data: {
    message: { to: '+15550001', status: 'sent', segments: 2, urgent: false, note: null },
    amount: 12.5,
    code: '042',
    tags: ['vip', 'beta'],
    items: [
      { sku: 'A-1', qty: 1 },
      { sku: 'B-2', qty: 3 },
    ],
    location: { lat: 1, lng: 2 },
    matrix: [
      [1, 2],
      [3, 4],
    ],
  },
};

function matches(path: string, condition: unknown): boolean {
  return compileFilter({ [path]: condition })(envelope);
}

type Case = [path: string, condition: unknown];

function check(title: string, truthy: Case[], falsy: Case[]): void {
  describe(title, () => {
    it.each(truthy)('%s %j matches', (path, condition) => {
      expect(matches(path, condition)).toBe(true);
    });
    it.each(falsy)('%s %j does not match', (path, condition) => {
      expect(matches(path, condition)).toBe(false);
    });
  });
}

check(
  'literal (deep equality)',
  [
    ['type', 'message.sent'],
    ['data.message.segments', 2],
    ['data.message.urgent', false],
    ['data.message.note', null],
    ['data.location', { lng: 2, lat: 1 }],
    ['data.tags', ['vip', 'beta']],
    ['data.items.1', { qty: 3, sku: 'B-2' }],
    ['data.matrix.1.0', 3],
    ['data.location', { lat: 1, lng: 2 }],
  ],
  [
    ['type', 'message.read'],
    ['data.message.segments', '2'],
    ['data.message.urgent', 0],
    ['data.message.missing', null],
    ['data.location', { lat: 1 }],
    ['data.location', { lat: 1, lng: 2, alt: 3 }],
    ['data.tags', ['beta', 'vip']],
    ['data.tags', 'vip'],
    ['data.items.2', { sku: 'A-1', qty: 1 }],
    ['data.location', {}],
  ],
);

check(
  '$eq',
  [
    ['data.amount', { $eq: 12.5 }],
    ['data.message.note', { $eq: null }],
    ['data.items.0', { $eq: { sku: 'A-1', qty: 1 } }],
    [
      'data.matrix',
      {
        $eq: [
          [1, 2],
          [3, 4],
        ],
      },
    ],
  ],
  [
    ['data.amount', { $eq: 12 }],
    ['data.missing', { $eq: null }],
    ['data.items.0', { $eq: { sku: 'A-1' } }],
    ['data.tags', { $eq: 'vip' }],
  ],
);

check(
  '$neq',
  [
    ['data.amount', { $neq: 12 }],
    ['data.missing', { $neq: 'anything' }],
    ['data.missing', { $neq: null }],
    ['data.location', { $neq: { lat: 1 } }],
  ],
  [
    ['data.amount', { $neq: 12.5 }],
    ['data.message.note', { $neq: null }],
    ['data.location', { $neq: { lng: 2, lat: 1 } }],
  ],
);

check(
  '$gt, $gte, $lt, $lte',
  [
    ['data.amount', { $gt: 12 }],
    ['data.amount', { $gte: 12.5 }],
    ['data.amount', { $lt: 13 }],
    ['data.amount', { $lte: 12.5 }],
    ['data.amount', { $gt: -1 }],
    ['data.message.status', { $gt: 'read' }],
    ['data.message.status', { $lte: 'sent' }],
    ['timestamp', { $gte: '2026-12-02T00:00:00.000Z' }],
    ['timestamp', { $lt: '2026-12-03T00:00:00.000Z' }],
    ['data.amount', { $gt: 10, $lt: 20 }],
  ],
  [
    ['data.amount', { $gt: 12.5 }],
    ['data.amount', { $gte: 13 }],
    ['data.amount', { $lt: 12.5 }],
    ['data.amount', { $lte: 12 }],
    ['data.code', { $gt: 41 }],
    ['data.code', { $lt: 43 }],
    ['data.amount', { $gt: '1' }],
    ['data.amount', { $lt: '99' }],
    ['data.message.note', { $lt: 1 }],
    ['data.message.urgent', { $lt: 1 }],
    ['data.tags', { $gt: 'a' }],
    ['data.missing', { $lt: 100 }],
    ['data.missing', { $gt: '' }],
    ['data.amount', { $gt: 10, $lt: 12 }],
  ],
);

check(
  '$in',
  [
    ['data.message.status', { $in: ['read', 'sent'] }],
    ['data.message.segments', { $in: [1, 2, 3] }],
    ['data.message.note', { $in: [null] }],
    ['data.location', { $in: [{ lng: 2, lat: 1 }] }],
    ['data.tags', { $in: ['beta', 'other'] }],
    ['data.tags', { $in: [['vip', 'beta']] }],
    ['data.items', { $in: [{ sku: 'B-2', qty: 3 }] }],
  ],
  [
    ['data.message.status', { $in: ['read', 'failed'] }],
    ['data.message.segments', { $in: ['2'] }],
    ['data.missing', { $in: [null] }],
    ['data.location', { $in: [{ lat: 1 }] }],
    ['data.tags', { $in: ['other'] }],
    ['data.items', { $in: [{ sku: 'B-2' }] }],
  ],
);

check(
  '$nin',
  [
    ['data.message.status', { $nin: ['read', 'failed'] }],
    ['data.missing', { $nin: ['x'] }],
    ['data.missing', { $nin: [null] }],
    ['data.tags', { $nin: ['other'] }],
  ],
  [
    ['data.message.status', { $nin: ['sent'] }],
    ['data.message.note', { $nin: [null] }],
    ['data.tags', { $nin: ['vip'] }],
  ],
);

check(
  '$exists',
  [
    ['data.amount', { $exists: true }],
    ['data.message.note', { $exists: true }],
    ['data.items.1.sku', { $exists: true }],
    ['data.missing', { $exists: false }],
    ['data.items.2', { $exists: false }],
  ],
  [
    ['data.amount', { $exists: false }],
    ['data.message.note', { $exists: false }],
    ['data.missing', { $exists: true }],
    ['data.amount.deeper', { $exists: true }],
  ],
);

check(
  '$startsWith and $endsWith',
  [
    ['data.message.to', { $startsWith: '+1' }],
    ['data.message.to', { $startsWith: '' }],
    ['data.message.to', { $endsWith: '0001' }],
    ['type', { $startsWith: 'message.', $endsWith: '.sent' }],
  ],
  [
    ['data.message.to', { $startsWith: '+44' }],
    ['data.message.to', { $endsWith: '+1' }],
    ['data.message.status', { $startsWith: 'SENT' }],
    ['data.amount', { $startsWith: '12' }],
    ['data.tags', { $startsWith: 'vip' }],
    ['data.missing', { $startsWith: '' }],
    ['data.missing', { $endsWith: '' }],
  ],
);

check(
  '$contains',
  [
    ['data.message.to', { $contains: '555' }],
    ['data.tags', { $contains: 'beta' }],
    ['data.items', { $contains: { qty: 1, sku: 'A-1' } }],
    ['data.matrix', { $contains: [3, 4] }],
  ],
  [
    ['data.message.to', { $contains: '999' }],
    ['data.message.segments', { $contains: 2 }],
    ['data.code', { $contains: 42 }],
    ['data.tags', { $contains: 'be' }],
    ['data.items', { $contains: { sku: 'A-1' } }],
    ['data.matrix', { $contains: 3 }],
    ['data.location', { $contains: 1 }],
    ['data.missing', { $contains: '' }],
  ],
);

check(
  '$regex',
  [
    ['data.message.to', { $regex: '^\\+1555' }],
    ['data.message.to', { $regex: '\\d{4}$' }],
    ['data.message.status', { $regex: '(?i)^SENT$' }],
    ['type', { $regex: 'sent' }],
  ],
  [
    ['data.message.to', { $regex: '^1555' }],
    ['data.message.status', { $regex: '^SENT$' }],
    ['data.message.segments', { $regex: '2' }],
    ['data.tags', { $regex: 'vip' }],
    ['data.missing', { $regex: '' }],
  ],
);

describe('several operators on one path', () => {
  it('all have to hold', () => {
    expect(matches('data.message.to', { $startsWith: '+1', $regex: '0001$' })).toBe(true);
    expect(matches('data.message.to', { $startsWith: '+1', $regex: '0002$' })).toBe(false);
  });
});

describe('an envelope built in code', () => {
  it('answers false rather than throwing on values of any shape', () => {
    const odd = { id: 'e', type: 't', timestamp: 't', data: 'not an object' };
    expect(compileFilter({ 'data.a.b': { $exists: true } })(odd)).toBe(false);
    expect(compileFilter({ 'data.a.b': { $neq: 1 } })(odd)).toBe(true);
    expect(compileFilter({ 'data.0': { $eq: 'n' } })(odd)).toBe(false);
  });
});
