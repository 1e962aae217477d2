import { compileFilter, FilterEnvelope } from './filter';
import { isPlainObject } from './filter/json-values';

/**
 * Whether a stored filter lets `payload` through. `payload` is an envelope when it has a string
 * `type` and an object `data` (what a receiver gets); anything else is taken as the event's
 * data, in an envelope with no id, type or timestamp.
 */
export function testFilter(filter: unknown, payload: Record<string, unknown>): boolean {
  return compileFilter(filter)(asEnvelope(payload));
}

function asEnvelope(payload: Record<string, unknown>): FilterEnvelope {
  if (typeof payload.type === 'string' && isPlainObject(payload.data)) {
    return payload as unknown as FilterEnvelope;
  }
  return { data: payload } as unknown as FilterEnvelope;
}
