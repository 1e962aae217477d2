import { compileFilter } from './compile-filter';
import { compileFilterRegex } from './filter-regex';
import { FilterEnvelope } from './filter-types';

function envelopeWith(text: string): FilterEnvelope {
  return {
    id: 'evt_1',
    type: 'message.sent',
    timestamp: '2026-12-02T08:00:00.000Z',
    data: { text },
  };
}

/*
 * Patterns that take a backtracking engine (JavaScript's RegExp among them) exponential time
 * on a near-miss input. A backtracking engine would not finish these within the lifetime of
 * the test run; RE2's answers in linear time, so a hang fails the test through its timeout.
 */
const CATASTROPHIC = ['(a+)+$', '^(a+)+$', '(a|aa)*b', '^(a|a)*$', '(.*a){12}$', '^(\\w+\\s?)*$'];
const NEAR_MISS = `${'a'.repeat(100_000)}!`;

describe('$regex on a linear-time engine', () => {
  it.each(CATASTROPHIC)(
    '%s answers false on 100,000 characters that almost match',
    (pattern) => {
      const matches = compileFilter({ 'data.text': { $regex: pattern } });
      expect(matches(envelopeWith(NEAR_MISS))).toBe(false);
    },
    5_000,
  );

  it('still matches long inputs that do match', () => {
    const matches = compileFilter({ 'data.text': { $regex: '(a+)+$' } });
    expect(matches(envelopeWith('a'.repeat(100_000)))).toBe(true);
    const ending = compileFilter({ 'data.text': { $regex: '(a|aa)*b' } });
    expect(ending(envelopeWith(`${'a'.repeat(100_000)}b`))).toBe(true);
  }, 5_000);

  it('scans a hundred 100,000-character inputs in one test timeout', () => {
    const matches = compileFilter({ 'data.text': { $regex: '^(a|aa)*$' } });
    const inputs = Array.from({ length: 100 }, (_, index) => `${'a'.repeat(99_990 + index)}!`);
    expect(inputs.filter((text) => matches(envelopeWith(text)))).toEqual([]);
  }, 5_000);
});

describe('compileFilterRegex', () => {
  it('searches anywhere in the value unless anchored', () => {
    const search = compileFilterRegex('b+');
    const anchored = compileFilterRegex('^b+$');
    if ('problem' in search || 'problem' in anchored) throw new Error('should compile');
    expect([search.test('abbc'), anchored.test('abbc'), anchored.test('bb')]).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('takes flags inline', () => {
    const insensitive = compileFilterRegex('(?i)^sent$');
    if ('problem' in insensitive) throw new Error('should compile');
    expect([insensitive.test('SENT'), insensitive.test('unsent')]).toEqual([true, false]);
  });

  it('accepts 200 characters', () => {
    expect(compileFilterRegex('a'.repeat(200))).not.toHaveProperty('problem');
  });

  it('refuses repetitions RE2 bounds', () => {
    expect(compileFilterRegex('a{1001}')).toEqual({
      problem: 'is not a valid regular expression (RE2 syntax): invalid repeat count: `{1001}`',
    });
  });
});
