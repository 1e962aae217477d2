import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/**
 * Postgres text and jsonb cannot hold U+0000. Refusing it here, for every body and query,
 * turns what would be a failed insert (500) into a 400 that names the field.
 */
@Injectable()
export class RejectNulCharactersPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' && metadata.type !== 'query') return value;
    const path = findNul(value, '');
    if (path !== null) {
      throw new BadRequestException([
        `${path || metadata.type} must not contain NUL (\\u0000) characters`,
      ]);
    }
    return value;
  }
}

function findNul(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, child] of Object.entries(value)) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return childPath;
    const found = findNul(child, childPath);
    if (found !== null) return found;
  }
  return null;
}
