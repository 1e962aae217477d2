import { MAX_JSON_DEPTH } from '../support/json-depth';

/** An object literal (of any realm: structuredClone and vm contexts make their own), not an instance. */
const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (Object.prototype.toString.call(value) !== '[object Object]') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
};

/**
 * Whether `value` is an object that JSON round-trips unchanged: plain objects, arrays,
 * strings, finite numbers, booleans and null only, no cycle, at most MAX_JSON_DEPTH levels.
 */
export function isPlainJsonObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && isJson(value, 1);
}

function isJson(value: unknown, depth: number): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (depth > MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) return value.every((item) => isJson(item, depth + 1));
  return isPlainObject(value) && Object.values(value).every((item) => isJson(item, depth + 1));
}
