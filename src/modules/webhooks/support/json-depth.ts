/**
 * How deep objects and arrays may nest in a JSON request body or an event payload (`{}` and
 * `[]` are one level). Real payloads stay far below it; code that walks values recursively
 * (class-transformer, class-validator, JSON.stringify, Postgres' json parser) is safe under it.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether `value` nests objects and arrays more than `maxDepth` levels deep. Iterative, and
 * it stops at the first level too deep, so neither 100,000 levels nor a cycle can exhaust
 * the stack.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: Array<[value: unknown, depth: number]> = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [current, depth] = next;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}
