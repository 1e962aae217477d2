import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/**
 * Postgres text and jsonb cannot hold U+0000. Refusing it here, for every body and query,
 * turns what would be a failed insert (500) into a 400 that names the field.
 */
@Injectable()
export class RejectNulCharactersPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' && metadata.type !== 'query') return value;
    const path = findNul(value);
    if (path !== null) {
      throw new BadRequestException([
        `${path || metadata.type} must not contain NUL (\\u0000) characters`,
      ]);
    }
    return value;
  }
}

/** A value met on the walk, with how it was reached (its path is spelled out only when needed). */
interface Visit {
  value: unknown;
  key: string;
  parent: Visit | null;
  inArray: boolean;
}

/**
 * The path of the first string or key holding a NUL, depth first in key order, or null.
 * Iterative, so no nesting depth can exhaust the stack.
 */
function findNul(root: unknown): string | null {
  const pending: Visit[] = [{ value: root, key: '', parent: null, inArray: false }];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    if (visit.key.includes('\u0000')) return pathOf(visit);
    const { value } = visit;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return pathOf(visit);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const entries = Object.entries(value);
    const inArray = Array.isArray(value);
    // Reversed onto the stack, so children are visited in key order.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      pending.push({ value: child, key, parent: visit, inArray });
    }
  }
  return null;
}

/** `a.b[0].c` for a visit; '' for the root. */
function pathOf(visit: Visit): string {
  const segments: Visit[] = [];
  for (let at: Visit | null = visit; at?.parent; at = at.parent) segments.push(at);
  let path = '';
  for (const { key, inArray } of segments.reverse()) {
    path = inArray ? `${path}[${key}]` : path ? `${path}.${key}` : key;
  }
  return path;
}
