import { FIELD_OPERATORS, FieldTest, literalTest } from './filter-operators';
import { MAX_FILTER_CONDITIONS, MAX_FILTER_DEPTH, MAX_FILTER_PROBLEMS } from './filter-limits';
import { parseFilterPath, resolvePath } from './filter-path';
import { FilterEnvelope, FilterMatcher } from './filter-types';
import { InvalidFilterError } from './invalid-filter.error';
import { isPlainObject } from './json-values';

/*
 * A filter (contract §10) is `null`, or an object whose keys are dotted paths into the
 * envelope and whose values are a literal or an object of operators, beside the combinators
 * `$and` and `$or` (non-empty arrays of filters) and `$not` (a filter). The keys of one object
 * all hold, and so do the operators of one path. `null` and `{}` match every event.
 * Operator semantics: filter-operators.ts.
 */
type Matcher = (envelope: FilterEnvelope) => boolean;

const COMBINATORS = new Set(['$and', '$or', '$not']);
const OPERATOR_NAMES = [...FIELD_OPERATORS.keys()].join(', ');
const matchesEverything: Matcher = () => true;

/**
 * Checks `filter` once and turns it into a matcher, or throws InvalidFilterError listing
 * every problem, each prefixed by where it is (`filter.data.message.to.$regex: …`).
 */
export function compileFilter(filter: unknown): FilterMatcher {
  return new FilterCompiler().compile(filter);
}

/** Every problem of `filter`, in the same form (empty when it can be saved). */
export function filterProblems(filter: unknown): readonly string[] {
  try {
    compileFilter(filter);
    return [];
  } catch (error) {
    if (error instanceof InvalidFilterError) return error.problems;
    throw error;
  }
}

class FilterCompiler {
  private conditions = 0;
  private readonly problems: string[] = [];
  private unlisted = 0;

  compile(filter: unknown): FilterMatcher {
    if (filter === null || filter === undefined) return matchesEverything;
    if (!isPlainObject(filter)) {
      throw new InvalidFilterError(['filter: must be null or an object of paths to conditions']);
    }
    const matcher = this.filter(filter, 'filter', 1);
    if (this.conditions > MAX_FILTER_CONDITIONS) {
      // First, so the cap on listed problems never hides it.
      this.problems.unshift(
        `filter: must have at most ${MAX_FILTER_CONDITIONS} conditions (each operator and each ` +
          `literal value is one); this one has ${this.conditions}`,
      );
      if (this.problems.length > MAX_FILTER_PROBLEMS) {
        this.unlisted += this.problems.length - MAX_FILTER_PROBLEMS;
        this.problems.length = MAX_FILTER_PROBLEMS;
      }
    }
    if (this.unlisted > 0) {
      const more = this.unlisted === 1 ? '1 more problem' : `${this.unlisted} more problems`;
      this.problems.push(`filter: ${more} not listed`);
    }
    if (this.problems.length > 0 || !matcher) throw new InvalidFilterError(this.problems);
    return matcher;
  }

  private report(location: string, problem: string): void {
    if (this.problems.length < MAX_FILTER_PROBLEMS) this.problems.push(`${location}: ${problem}`);
    else this.unlisted++;
  }

  /** The matcher of one filter object at `depth` (the whole filter is 1), all keys ANDed. */
  private filter(value: unknown, location: string, depth: number): Matcher | undefined {
    if (!isPlainObject(value)) {
      this.report(location, 'must be a filter: an object of paths to conditions');
      return undefined;
    }
    if (depth > MAX_FILTER_DEPTH) {
      this.report(
        location,
        `filters nest at most ${MAX_FILTER_DEPTH} levels deep ($and, $or and $not each add one)`,
      );
      return undefined;
    }
    const entries = Object.entries(value);
    // An empty filter inside a combinator is a mistake (and would let $and/$or grow unbounded).
    if (depth > 1 && entries.length === 0)
      this.report(location, 'must hold at least one condition');
    const parts: Matcher[] = [];
    for (const [key, condition] of entries) {
      const keyLocation = `${location}.${displayed(key)}`;
      const part = key.startsWith('$')
        ? this.combinator(key, condition, keyLocation, depth)
        : this.field(key, condition, keyLocation);
      if (part) parts.push(part);
    }
    return allOf(parts);
  }

  private combinator(
    key: string,
    operand: unknown,
    location: string,
    depth: number,
  ): Matcher | undefined {
    if (key === '$not') {
      const inner = this.filter(operand, location, depth + 1);
      return inner && ((envelope) => !inner(envelope));
    }
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(operand) || operand.length === 0) {
        this.report(location, 'must be a non-empty array of filters');
        return undefined;
      }
      const parts = operand.map((item, index) =>
        this.filter(item, `${location}.${index}`, depth + 1),
      );
      if (parts.some((part) => !part)) return undefined;
      const matchers = parts as Matcher[];
      return key === '$and' ? allOf(matchers) : anyOf(matchers);
    }
    if (FIELD_OPERATORS.has(key)) {
      this.report(
        location,
        `tests a field: put it under a path, e.g. { "data.amount": { "${key}": … } }`,
      );
    } else this.report(location, 'is not a known combinator: expected a path, $and, $or or $not');
    return undefined;
  }

  /** The matcher of `{ path: condition }`: a literal, or an object of operators. */
  private field(key: string, condition: unknown, location: string): Matcher | undefined {
    const path = parseFilterPath(key);
    if ('problem' in path) {
      this.report(location, path.problem);
      return undefined;
    }
    const operators = isPlainObject(condition) ? Object.keys(condition) : [];
    const named = operators.filter((name) => name.startsWith('$'));
    if (named.length > 0 && named.length < operators.length) {
      this.report(
        location,
        'mixes operators with field names: use an object of operators or a literal, not both',
      );
      return undefined;
    }
    const tests: FieldTest[] = [];
    if (named.length === 0) {
      const test = this.condition(location, () => literalTest(condition));
      if (test) tests.push(test);
      if (hasOperatorKeys(condition)) {
        this.report(
          location,
          'a literal may not hold keys starting with "$": test a nested field by its dotted path, or wrap the value in $eq',
        );
      }
    }
    for (const name of named) {
      const operand = (condition as Record<string, unknown>)[name];
      const operatorLocation = `${location}.${displayed(name)}`;
      const compile = FIELD_OPERATORS.get(name);
      if (compile) {
        const test = this.condition(operatorLocation, () => compile(operand));
        if (test) tests.push(test);
      } else if (COMBINATORS.has(name)) {
        this.report(
          operatorLocation,
          `combines filters and belongs beside the paths, e.g. { "${name}": ${name === '$not' ? '{ … }' : '[ … ]'} }`,
        );
      } else
        this.report(operatorLocation, `is not a known operator: expected one of ${OPERATOR_NAMES}`);
    }
    if (tests.length !== Math.max(named.length, 1)) return undefined;
    return tests.length === 1
      ? (envelope) => tests[0](resolvePath(envelope, path))
      : (envelope) => {
          const value = resolvePath(envelope, path);
          return tests.every((test) => test(value));
        };
  }

  /** Counts one condition and compiles it, unless the filter is already over the limit. */
  private condition(
    location: string,
    compile: () => FieldTest | { problem: string },
  ): FieldTest | undefined {
    // Past the limit the filter is refused anyway: counting is enough, and compiling
    // thousands of regular expressions from a large body would only cost time.
    if (++this.conditions > MAX_FILTER_CONDITIONS) return undefined;
    const test = compile();
    if (typeof test === 'function') return test;
    this.report(location, test.problem);
    return undefined;
  }
}

function allOf(parts: Matcher[]): Matcher {
  if (parts.length === 0) return matchesEverything;
  if (parts.length === 1) return parts[0];
  return (envelope) => parts.every((part) => part(envelope));
}

function anyOf(parts: Matcher[]): Matcher {
  if (parts.length === 1) return parts[0];
  return (envelope) => parts.some((part) => part(envelope));
}

/** Whether an object or array literal holds, at any depth, a key that looks like an operator. */
function hasOperatorKeys(value: unknown): boolean {
  const pending: unknown[] = [value];
  for (let index = 0; index < pending.length; index++) {
    const current = pending[index];
    if (typeof current !== 'object' || current === null) continue;
    if (!Array.isArray(current) && Object.keys(current).some((key) => key.startsWith('$'))) {
      return true;
    }
    pending.push(...Object.values(current));
  }
  return false;
}

/** A key as it appears in a problem's location: quoted when empty, cut when very long. */
function displayed(key: string): string {
  if (key === '') return '""';
  return key.length > 64 ? `${key.slice(0, 64)}…` : key;
}
