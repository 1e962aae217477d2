import { TEST_EVENT_TYPE, WILDCARD_EVENT } from './event-types';
import { isPlainJsonObject } from './plain-json';

/** `<category>.<name>`, lower case, as stored in the logs' 100-character event_type column. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;
export const MAX_EVENT_TYPE_LENGTH = 100;

/** The category of the module's own event types; hosts may not declare types in it. */
const RESERVED_CATEGORY = TEST_EVENT_TYPE.slice(0, TEST_EVENT_TYPE.indexOf('.'));

export const categoryOf = (type: string): string => type.slice(0, type.indexOf('.'));

/** What is wrong with a value offered as a WebhookEventDefinition; empty when nothing is. */
export function definitionProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return ['must be an object { type, category, description, samplePayload }'];
  }
  const { type, category, description, samplePayload } = value as Record<string, unknown>;
  const problems: string[] = [];
  if (
    type === WILDCARD_EVENT ||
    (typeof type === 'string' && categoryOf(type) === RESERVED_CATEGORY)
  ) {
    problems.push(`type "${type}" is reserved by the webhooks module`);
  } else if (
    typeof type !== 'string' ||
    type.length > MAX_EVENT_TYPE_LENGTH ||
    !EVENT_TYPE_PATTERN.test(type)
  ) {
    problems.push(
      `type must be "<category>.<name>" of lower-case letters, digits and "_", at most ${MAX_EVENT_TYPE_LENGTH} characters`,
    );
  } else if (category !== categoryOf(type)) {
    problems.push(`category must be "${categoryOf(type)}", the part of the type before the dot`);
  }
  if (typeof description !== 'string' || description.trim() === '') {
    problems.push('description must be a non-empty string');
  }
  if (!isPlainJsonObject(samplePayload)) {
    problems.push('samplePayload must be a plain JSON object');
  }
  return problems;
}
