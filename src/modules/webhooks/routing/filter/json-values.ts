import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../support/json-depth';

/** An object as JSON.parse makes it: not an array, not a Date, Map or class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Whether `value` is something JSON can carry (null, boolean, finite number, string, and
 * arrays and plain objects of those), nested at most MAX_JSON_DEPTH levels like any payload.
 * Filters arrive as JSON, but the check keeps a filter built in code to the same values.
 */
export function isJsonValue(value: unknown): boolean {
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) return false;
  const pending: unknown[] = [value];
  for (let index = 0; index < pending.length; index++) {
    const current = pending[index];
    if (current === null || typeof current === 'string' || typeof current === 'boolean') continue;
    if (typeof current === 'number') {
      if (!Number.isFinite(current)) return false;
    } else if (Array.isArray(current) || isPlainObject(current)) {
      pending.push(...Object.values(current));
    } else return false;
  }
  return true;
}

/**
 * Deep equality of JSON values: arrays element by element in order, objects by the same set
 * of keys with equal values in any key order (JSON gives key order no meaning), numbers and
 * strings by value. Recursion goes no deeper than the shallower of the two values.
 */
export function jsonEquals(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) {
    return false;
  }
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false;
    return left.every((element, index) => jsonEquals(element, right[index]));
  }
  const leftKeys = Object.keys(left);
  if (leftKeys.length !== Object.keys(right).length) return false;
  const rightRecord = right as Record<string, unknown>;
  return leftKeys.every(
    (key) =>
      Object.prototype.hasOwnProperty.call(right, key) &&
      jsonEquals((left as Record<string, unknown>)[key], rightRecord[key]),
  );
}
