import { compileFilter, filterProblems } from './compile-filter';
import { FilterEnvelope } from './filter-types';
import { InvalidFilterError } from './invalid-filter.error';

const sent: FilterEnvelope = {
  id: 'evt_1',
  type: 'message.sent',
  timestamp: '2026-12-02T08:00:00.000Z',
  data: { message: { to: '+15550001', status: 'sent' }, amount: 20 },
};
const read: FilterEnvelope = {
  ...sent,
  id: 'evt_2',
  data: { message: { to: '+445550002', status: 'read' }, amount: 5 },
};

/** A filter nested `levels` deep through $and, holding one condition at the bottom. */
function nested(levels: number): Record<string, unknown> {
  let filter: Record<string, unknown> = { type: 'message.sent' };
  for (let level = 1; level < levels; level++) filter = { $and: [filter] };
  return filter;
}

/** A filter of `count` conditions spread over as many paths. */
function conditions(count: number): Record<string, unknown> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, index) => [`data.field${index}`, { $exists: false }]),
  );
}

describe('compileFilter', () => {
  describe('no filter', () => {
    it.each([null, undefined, {}])('%j matches every event', (filter) => {
      const matches = compileFilter(filter);
      expect([matches(sent), matches(read)]).toEqual([true, true]);
    });
  });

  describe('the contract example', () => {
    const matches = compileFilter({
      'data.message.to': { $startsWith: '+1' },
      'data.message.status': { $in: ['sent', 'read'] },
    });

    it('needs every path to hold', () => {
      expect(matches(sent)).toBe(true);
      expect(matches(read)).toBe(false);
    });
  });

  describe('combinators', () => {
    it('$and holds when every filter holds', () => {
      const matches = compileFilter({
        $and: [{ type: 'message.sent' }, { 'data.amount': { $gte: 10 } }],
      });
      expect(matches(sent)).toBe(true);
      expect(matches(read)).toBe(false);
      expect(matches({ ...sent, data: { amount: 1 } })).toBe(false);
    });

    it('$or holds when any filter holds', () => {
      const matches = compileFilter({
        $or: [{ 'data.message.status': 'read' }, { 'data.amount': { $gt: 100 } }],
      });
      expect(matches(read)).toBe(true);
      expect(matches(sent)).toBe(false);
      expect(matches({ ...sent, data: { amount: 101 } })).toBe(true);
    });

    it('$not negates a filter, a missing path included', () => {
      const matches = compileFilter({ $not: { 'data.message.to': { $startsWith: '+44' } } });
      expect(matches(sent)).toBe(true);
      expect(matches(read)).toBe(false);
      expect(matches({ ...sent, data: {} })).toBe(true);
    });

    it('$not of several conditions negates their conjunction', () => {
      const matches = compileFilter({
        $not: { 'data.message.status': 'sent', 'data.amount': { $gt: 10 } },
      });
      expect(matches(sent)).toBe(false);
      expect(matches({ ...sent, data: { message: { status: 'sent' }, amount: 5 } })).toBe(true);
    });

    it('combine with paths beside them and with each other', () => {
      const matches = compileFilter({
        type: { $startsWith: 'message.' },
        $or: [
          { $and: [{ 'data.amount': { $gte: 10 } }, { $not: { 'data.message.status': 'read' } }] },
          { 'data.message.to': { $regex: '^\\+44' } },
        ],
      });
      expect(matches(sent)).toBe(true);
      expect(matches(read)).toBe(true);
      expect(matches({ ...sent, data: { amount: 10, message: { status: 'read' } } })).toBe(false);
      expect(matches({ ...sent, type: 'order.created' })).toBe(false);
    });
  });

  describe('limits', () => {
    it('accepts 50 conditions and refuses 51', () => {
      expect(compileFilter(conditions(50))(sent)).toBe(true);
      expect(filterProblems(conditions(51))).toEqual([
        'filter: must have at most 50 conditions (each operator and each literal value is one); this one has 51',
      ]);
    });

    it('counts each operator of a path and the conditions inside combinators', () => {
      const filter = {
        'data.amount': { $gt: 1, $lt: 100 },
        $or: [conditions(24), { $not: conditions(24) }],
        type: 'message.sent',
      };
      expect(filterProblems(filter)).toEqual([
        'filter: must have at most 50 conditions (each operator and each literal value is one); this one has 51',
      ]);
    });

    it('accepts 5 levels of filters and refuses 6', () => {
      expect(compileFilter(nested(5))(sent)).toBe(true);
      expect(filterProblems(nested(6))).toEqual([
        'filter.$and.0.$and.0.$and.0.$and.0.$and.0: filters nest at most 5 levels deep ($and, $or and $not each add one)',
      ]);
      expect(
        filterProblems({ $not: { $not: { $not: { $not: { $not: { type: 'x' } } } } } }),
      ).toEqual([
        'filter.$not.$not.$not.$not.$not: filters nest at most 5 levels deep ($and, $or and $not each add one)',
      ]);
    });

    it('lists at most 20 problems and says how many more there are', () => {
      const filter = Object.fromEntries(
        Array.from({ length: 30 }, (_, index) => [`bad${index}`, 1]),
      );
      const problems = filterProblems(filter);
      expect(problems).toHaveLength(21);
      expect(problems[19]).toBe(
        'filter.bad19: a path starts at a field of the envelope: id, type, timestamp, data',
      );
      expect(problems[20]).toBe('filter: 10 more problems not listed');
    });

    it('says so when one problem is left out', () => {
      const filter = Object.fromEntries(
        Array.from({ length: 21 }, (_, index) => [`bad${index}`, 1]),
      );
      expect(filterProblems(filter)[20]).toBe('filter: 1 more problem not listed');
    });

    it('keeps the condition count first when the problems are cut', () => {
      const filter = Object.fromEntries(
        Array.from({ length: 60 }, (_, index) => [`data.f${index}`, { $gt: true }]),
      );
      const problems = filterProblems(filter);
      expect(problems[0]).toBe(
        'filter: must have at most 50 conditions (each operator and each literal value is one); this one has 60',
      );
      expect(problems[1]).toBe('filter.data.f0.$gt: must be a number or a string');
      expect(problems).toHaveLength(21);
      // The count and the first 50 operands (past the limit conditions are only counted).
      expect(problems[20]).toBe('filter: 31 more problems not listed');
    });
  });

  describe('problems, each named by where it is', () => {
    it.each<[string, unknown, string]>([
      ['a string', 'type', 'filter: must be null or an object of paths to conditions'],
      ['an array', [{ type: 'x' }], 'filter: must be null or an object of paths to conditions'],
      [
        'an unknown root',
        { 'message.to': 'x' },
        'filter.message.to: a path starts at a field of the envelope: id, type, timestamp, data',
      ],
      [
        'an empty segment',
        { 'data..to': 'x' },
        'filter.data..to: a path is names separated by single dots, none of them empty',
      ],
      [
        'an empty path',
        { '': 'x' },
        'filter."": a path is names separated by single dots, none of them empty',
      ],
      [
        'a long path',
        { [`data.${'a'.repeat(251)}`]: 1 },
        `filter.data.${'a'.repeat(59)}…: a path must be at most 255 characters`,
      ],
      [
        'an unknown operator',
        { type: { $like: 'x' } },
        'filter.type.$like: is not a known operator: expected one of $eq, $neq, $gt, $gte, $lt, $lte, $in, $nin, $exists, $startsWith, $endsWith, $contains, $regex',
      ],
      [
        'mixed operators and fields',
        { 'data.message': { $exists: true, to: 'x' } },
        'filter.data.message: mixes operators with field names: use an object of operators or a literal, not both',
      ],
      [
        'an operator in a literal',
        { 'data.message': { to: { $startsWith: '+1' } } },
        'filter.data.message: a literal may not hold keys starting with "$": test a nested field by its dotted path, or wrap the value in $eq',
      ],
      [
        'a literal that is no JSON value',
        { 'data.at': new Date(0) },
        'filter.data.at: must be a JSON value',
      ],
      [
        '$eq of no JSON value',
        { 'data.n': { $eq: NaN } },
        'filter.data.n.$eq: must be a JSON value',
      ],
      [
        '$neq of no JSON value',
        { 'data.n': { $neq: undefined } },
        'filter.data.n.$neq: must be a JSON value',
      ],
      [
        '$gt of a boolean',
        { 'data.amount': { $gt: true } },
        'filter.data.amount.$gt: must be a number or a string',
      ],
      [
        '$gte of null',
        { 'data.amount': { $gte: null } },
        'filter.data.amount.$gte: must be a number or a string',
      ],
      [
        '$lt of an array',
        { 'data.amount': { $lt: [1] } },
        'filter.data.amount.$lt: must be a number or a string',
      ],
      [
        '$lte of an infinite number',
        { 'data.amount': { $lte: Infinity } },
        'filter.data.amount.$lte: must be a number or a string',
      ],
      ['$in of a string', { type: { $in: 'a' } }, 'filter.type.$in: must be an array of values'],
      ['$in empty', { type: { $in: [] } }, 'filter.type.$in: must list at least one value'],
      [
        '$nin of 101 values',
        { type: { $nin: Array.from({ length: 101 }, (_, i) => i) } },
        'filter.type.$nin: must list at most 100 values',
      ],
      [
        '$in of no JSON values',
        { type: { $in: [undefined] } },
        'filter.type.$in: must be an array of JSON values',
      ],
      [
        '$exists of a string',
        { type: { $exists: 'yes' } },
        'filter.type.$exists: must be true or false',
      ],
      [
        '$startsWith of a number',
        { type: { $startsWith: 1 } },
        'filter.type.$startsWith: must be a string',
      ],
      [
        '$endsWith of null',
        { type: { $endsWith: null } },
        'filter.type.$endsWith: must be a string',
      ],
      [
        '$contains of no JSON value',
        { 'data.tags': { $contains: () => 1 } },
        'filter.data.tags.$contains: must be a JSON value',
      ],
      ['$regex of a number', { type: { $regex: 1 } }, 'filter.type.$regex: must be a string'],
      [
        '$regex too long',
        { 'data.message.to': { $regex: 'a'.repeat(201) } },
        'filter.data.message.to.$regex: must be at most 200 characters',
      ],
      [
        '$regex that does not compile',
        { type: { $regex: '(a' } },
        'filter.type.$regex: is not a valid regular expression (RE2 syntax): missing closing ): `(a`',
      ],
      [
        '$regex with a lookahead',
        { type: { $regex: 'a(?=b)' } },
        'filter.type.$regex: is not a valid regular expression (RE2 syntax): invalid or unsupported Perl syntax: `(?=`',
      ],
      [
        '$regex with a backreference',
        { type: { $regex: '(a)\\1' } },
        'filter.type.$regex: is not a valid regular expression (RE2 syntax): invalid escape sequence: `\\1`',
      ],
      ['$and empty', { $and: [] }, 'filter.$and: must be a non-empty array of filters'],
      [
        '$or of an object',
        { $or: { type: 'x' } },
        'filter.$or: must be a non-empty array of filters',
      ],
      [
        '$and of a string',
        { $and: [{ type: 'x' }, 'type'] },
        'filter.$and.1: must be a filter: an object of paths to conditions',
      ],
      [
        '$or of an empty filter',
        { $or: [{ type: 'x' }, {}] },
        'filter.$or.1: must hold at least one condition',
      ],
      [
        '$not of an array',
        { $not: [{ type: 'x' }] },
        'filter.$not: must be a filter: an object of paths to conditions',
      ],
      ['$not of an empty filter', { $not: {} }, 'filter.$not: must hold at least one condition'],
      [
        'an unknown combinator',
        { $nor: [{ type: 'x' }] },
        'filter.$nor: is not a known combinator: expected a path, $and, $or or $not',
      ],
      [
        'an operator at the filter level',
        { $gt: 1 },
        'filter.$gt: tests a field: put it under a path, e.g. { "data.amount": { "$gt": … } }',
      ],
      [
        '$not under a path',
        { type: { $not: { $eq: 'x' } } },
        'filter.type.$not: combines filters and belongs beside the paths, e.g. { "$not": { … } }',
      ],
      [
        '$or under a path',
        { type: { $or: ['x'] } },
        'filter.type.$or: combines filters and belongs beside the paths, e.g. { "$or": [ … ] }',
      ],
      [
        'a problem inside combinators',
        { $or: [{ type: 'x' }, { $and: [{ 'data.message.to': { $regex: '[' } }] }] },
        'filter.$or.1.$and.0.data.message.to.$regex: is not a valid regular expression (RE2 syntax): missing closing ]: `[`',
      ],
    ])('%s', (_title, filter, problem) => {
      expect(filterProblems(filter)).toEqual([problem]);
    });

    it('lists every problem of a filter, in order', () => {
      expect(
        filterProblems({
          'data.message.to': { $regex: 'a'.repeat(201), $startsWith: 1 },
          'message.status': 'sent',
          $or: [{ 'data.amount': { $gt: 'x', $lt: false } }],
        }),
      ).toEqual([
        'filter.data.message.to.$regex: must be at most 200 characters',
        'filter.data.message.to.$startsWith: must be a string',
        'filter.message.status: a path starts at a field of the envelope: id, type, timestamp, data',
        'filter.$or.0.data.amount.$lt: must be a number or a string',
      ]);
    });

    it('throws them from compileFilter as an InvalidFilterError', () => {
      let thrown: unknown;
      try {
        compileFilter({ type: { $exists: 1 }, 'data.x': { $in: [] } });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidFilterError);
      expect((thrown as InvalidFilterError).kind).toBe('invalid');
      expect((thrown as InvalidFilterError).problems).toEqual([
        'filter.type.$exists: must be true or false',
        'filter.data.x.$in: must list at least one value',
      ]);
      expect((thrown as InvalidFilterError).message).toBe(
        'filter.type.$exists: must be true or false; filter.data.x.$in: must list at least one value',
      );
    });

    it('has none for a valid filter', () => {
      expect(filterProblems({ type: 'message.sent', $not: { 'data.amount': { $lt: 1 } } })).toEqual(
        [],
      );
    });
  });
});
