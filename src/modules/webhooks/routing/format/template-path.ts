/** The envelope fields a path may start at: `{ id, type, timestamp, data }` as delivered. */
export const ENVELOPE_FIELDS: readonly string[] = ['id', 'type', 'timestamp', 'data'];

// Object keys of letters, digits, "_", "$" and "-" (covers camelCase, snake_case and kebab-case
// payload keys); all-digit segments are array indexes (or digit keys of objects).
const SEGMENT = /^[\w$-]+$/;
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;
// Names that lead off the data and into JavaScript's object machinery.
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** A path split into its segments, or why it cannot be one. */
export type ParsedPath = { segments: string[] } | { problem: string };

/** Splits a dotted path (`data.message.to`, `data.items.0.sku`) and checks every segment. */
export function parsePath(path: string): ParsedPath {
  if (path === '') return { problem: 'has no path' };
  const segments = path.split('.');
  if (!segments.every((segment) => SEGMENT.test(segment))) {
    return {
      problem:
        'is not a dotted path (names of letters, digits, "_", "$" or "-", array indexes as numbers)',
    };
  }
  const forbidden = segments.find((segment) => FORBIDDEN_SEGMENTS.has(segment));
  if (forbidden !== undefined) return { problem: `reads "${forbidden}", which is not allowed` };
  if (!ENVELOPE_FIELDS.includes(segments[0])) {
    return { problem: 'must start with id, type, timestamp or data' };
  }
  return { segments };
}

/**
 * The value at `segments` inside parsed JSON, or undefined when any step is missing. Reads own
 * properties only, and arrays by index only, so a path never reaches a prototype, a method or
 * an array's `length`, whatever the checks before it let through.
 */
export function readPath(root: unknown, segments: readonly string[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return undefined;
    if (Array.isArray(current)) {
      if (!ARRAY_INDEX.test(segment)) return undefined;
      current = current[Number(segment)];
    } else {
      if (!Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}
