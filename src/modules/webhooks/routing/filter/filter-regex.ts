import { RE2JS, RE2JSException } from 're2js';
import { MAX_FILTER_REGEX_LENGTH } from './filter-limits';

/**
 * A `$regex` compiled by RE2JS, the JavaScript port of RE2: matching time is linear in the
 * input whatever the pattern, so a tenant's expression cannot stall a worker on a crafted
 * payload (catastrophic backtracking, ReDoS). RE2 syntax: no backreferences or lookarounds;
 * flags go inline, e.g. `(?i)` for case-insensitive. The test is a search, like JavaScript's
 * `RegExp.test`: anchor with `^` and `$` to match the whole value.
 */
export function compileFilterRegex(source: unknown): RE2JS | { problem: string } {
  if (typeof source !== 'string') return { problem: 'must be a string' };
  if (source.length > MAX_FILTER_REGEX_LENGTH) {
    return { problem: `must be at most ${MAX_FILTER_REGEX_LENGTH} characters` };
  }
  try {
    return RE2JS.compile(source);
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error;
    const reason = error.message.replace(/^error parsing regexp: /, '');
    return { problem: `is not a valid regular expression (RE2 syntax): ${reason}` };
  }
}
