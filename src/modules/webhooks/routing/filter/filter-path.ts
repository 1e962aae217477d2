import { FILTER_ENVELOPE_FIELDS, MAX_FILTER_PATH_LENGTH } from './filter-limits';

/** What a path resolves to when some segment is not there (distinct from a present null). */
export const MISSING: unique symbol = Symbol('missing');

/** A validated path: its segments, and for each the array index it names, if it can be one. */
export interface FilterPath {
  readonly segments: readonly string[];
  readonly indexes: readonly (number | undefined)[];
}

// An array index is written in canonical form: "0", "12", never "01" or "+1".
const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/** A path as written in a filter key, or the reason it is not one. */
export function parseFilterPath(path: string): FilterPath | { problem: string } {
  if (path.length > MAX_FILTER_PATH_LENGTH) {
    return { problem: `a path must be at most ${MAX_FILTER_PATH_LENGTH} characters` };
  }
  const segments = path.split('.');
  if (segments.some((segment) => segment === '')) {
    return { problem: 'a path is names separated by single dots, none of them empty' };
  }
  if (!FILTER_ENVELOPE_FIELDS.includes(segments[0])) {
    return {
      problem: `a path starts at a field of the envelope: ${FILTER_ENVELOPE_FIELDS.join(', ')}`,
    };
  }
  const indexes = segments.map((segment) =>
    ARRAY_INDEX.test(segment) && Number.isSafeInteger(Number(segment))
      ? Number(segment)
      : undefined,
  );
  return { segments, indexes };
}

/**
 * The value at `path` inside `root`, or MISSING. A numeric segment indexes an array; on an
 * object every segment, numeric or not, names an own property, so inherited members such as
 * `constructor` or an array's `length` are never reached. There is no implicit walk over the
 * elements of an array (`data.items.sku` is missing; write `data.items.0.sku`).
 */
export function resolvePath(root: unknown, path: FilterPath): unknown {
  let current: unknown = root;
  for (let position = 0; position < path.segments.length; position++) {
    if (Array.isArray(current)) {
      const index = path.indexes[position];
      if (index === undefined || index >= current.length) return MISSING;
      current = current[index];
    } else if (typeof current === 'object' && current !== null) {
      const segment = path.segments[position];
      if (!Object.prototype.hasOwnProperty.call(current, segment)) return MISSING;
      current = (current as Record<string, unknown>)[segment];
    } else return MISSING;
  }
  // An own property holding undefined (possible only for envelopes built in code) is no value.
  return current === undefined ? MISSING : current;
}
