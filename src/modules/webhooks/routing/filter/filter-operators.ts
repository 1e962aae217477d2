import { compileFilterRegex } from './filter-regex';
import { MAX_FILTER_LIST_ITEMS } from './filter-limits';
import { MISSING } from './filter-path';
import { isJsonValue, jsonEquals } from './json-values';

/** A test of the value found at a path; MISSING when the path is not there. */
export type FieldTest = (value: unknown) => boolean;
/** An operator's operand turned into its test, or what is wrong with the operand. */
type OperatorCompiler = (operand: unknown) => FieldTest | { problem: string };

/*
 * Semantics, close to MongoDB's query operators where that is sensible for JSON payloads:
 * - A missing path matches no positive test: a literal, $eq, $in, $gt.., $startsWith,
 *   $endsWith, $contains and $regex are all false on it, even `null` and `$in: [null]`
 *   (a present `null` is a value and equals `null`). $neq and $nin are true on it, as in
 *   MongoDB, and $exists tells the two apart: true for any present value, null included.
 * - A literal and $eq compare by deep equality: the whole value, objects in any key order,
 *   arrays in order. Unlike MongoDB an array field is not searched for the literal: use
 *   $contains for "has this element".
 * - $gt, $gte, $lt, $lte compare numbers with numbers and strings with strings (by UTF-16
 *   code units, so ISO 8601 timestamps of one format compare in time order); any other pair,
 *   a number field against a string operand say, is false and never converted.
 * - $in is true when the value deep-equals one of the listed values or, on an array field,
 *   when the array or any of its elements does (MongoDB's "any element"). $nin is its negation.
 * - $contains on a string field is a substring test (operand a string); on an array field, an
 *   element that deep-equals the operand; on anything else false.
 * - $startsWith, $endsWith and $regex test strings only, case-sensitively; other values are false.
 */
const present = (value: unknown): boolean => value !== MISSING;

function equalTo(operand: unknown): FieldTest | { problem: string } {
  if (!isJsonValue(operand)) return { problem: 'must be a JSON value' };
  if (operand === null || typeof operand !== 'object') return (value) => value === operand;
  return (value) => present(value) && jsonEquals(value, operand);
}

function ordered(compare: (order: number) => boolean): OperatorCompiler {
  return (operand) => {
    if (typeof operand === 'string') {
      return (value) =>
        typeof value === 'string' && compare(value < operand ? -1 : value > operand ? 1 : 0);
    }
    if (typeof operand === 'number' && Number.isFinite(operand)) {
      return (value) => typeof value === 'number' && compare(value - operand);
    }
    return { problem: 'must be a number or a string' };
  };
}

/** Membership in a list: primitives through a Set, objects and arrays by deep equality. */
function memberOf(operand: unknown): FieldTest | { problem: string } {
  if (!Array.isArray(operand)) return { problem: 'must be an array of values' };
  if (operand.length === 0) return { problem: 'must list at least one value' };
  if (operand.length > MAX_FILTER_LIST_ITEMS) {
    return { problem: `must list at most ${MAX_FILTER_LIST_ITEMS} values` };
  }
  if (!isJsonValue(operand)) return { problem: 'must be an array of JSON values' };
  const primitives = new Set(operand.filter((item) => item === null || typeof item !== 'object'));
  const composites = operand.filter((item) => item !== null && typeof item === 'object');
  const isListed = (value: unknown): boolean =>
    value === null || typeof value !== 'object'
      ? primitives.has(value)
      : composites.some((item) => jsonEquals(value, item));
  return (value) =>
    present(value) &&
    (isListed(value) || (Array.isArray(value) && value.some((element) => isListed(element))));
}

function negated(compile: OperatorCompiler): OperatorCompiler {
  return (operand) => {
    const test = compile(operand);
    return typeof test === 'function' ? (value) => !test(value) : test;
  };
}

function stringTest(test: (value: string, operand: string) => boolean): OperatorCompiler {
  return (operand) => {
    if (typeof operand !== 'string') return { problem: 'must be a string' };
    return (value) => typeof value === 'string' && test(value, operand);
  };
}

function contains(operand: unknown): FieldTest | { problem: string } {
  if (!isJsonValue(operand)) return { problem: 'must be a JSON value' };
  return (value) => {
    if (typeof value === 'string') return typeof operand === 'string' && value.includes(operand);
    return Array.isArray(value) && value.some((element) => jsonEquals(element, operand));
  };
}

function exists(operand: unknown): FieldTest | { problem: string } {
  if (typeof operand !== 'boolean') return { problem: 'must be true or false' };
  return (value) => present(value) === operand;
}

function regex(operand: unknown): FieldTest | { problem: string } {
  const compiled = compileFilterRegex(operand);
  if ('problem' in compiled) return compiled;
  return (value) => typeof value === 'string' && compiled.test(value);
}

/** The operators of a field condition (contract §10), by name. */
export const FIELD_OPERATORS: ReadonlyMap<string, OperatorCompiler> = new Map([
  ['$eq', equalTo],
  ['$neq', negated(equalTo)],
  ['$gt', ordered((order) => order > 0)],
  ['$gte', ordered((order) => order >= 0)],
  ['$lt', ordered((order) => order < 0)],
  ['$lte', ordered((order) => order <= 0)],
  ['$in', memberOf],
  ['$nin', negated(memberOf)],
  ['$exists', exists],
  ['$startsWith', stringTest((value, operand) => value.startsWith(operand))],
  ['$endsWith', stringTest((value, operand) => value.endsWith(operand))],
  ['$contains', contains],
  ['$regex', regex],
]);

/** The literal form `{ "path": value }`: the same deep equality as $eq. */
export const literalTest = equalTo;
