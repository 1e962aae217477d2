import { EVENT_DEFINITIONS, TEST_SAMPLE_PAYLOAD } from './event-definitions';
import {
  DeliverableEventType,
  TEST_EVENT_TYPE,
  WEBHOOK_EVENT_TYPES,
  WebhookEventType,
  WILDCARD_EVENT,
} from './event-types';

export * from './event-types';

export interface EventCatalogEntry {
  type: string;
  category: string;
  description: string;
  samplePayload: Record<string, unknown>;
}

const categoryOf = (type: string): string => type.slice(0, type.indexOf('.'));

const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
  }
  return value;
};

export const EVENT_CATALOG: readonly EventCatalogEntry[] = deepFreeze([
  ...WEBHOOK_EVENT_TYPES.map((type): EventCatalogEntry => ({
    type,
    category: categoryOf(type),
    ...EVENT_DEFINITIONS[type],
  })),
  {
    type: WILDCARD_EVENT,
    category: 'all',
    description: 'Subscribes to every event type; each delivery carries its own event type.',
    samplePayload: EVENT_DEFINITIONS['message.sent'].samplePayload,
  },
  {
    type: TEST_EVENT_TYPE,
    category: 'webhook',
    description: 'A test event sent manually to verify that the webhook endpoint is reachable.',
    samplePayload: TEST_SAMPLE_PAYLOAD,
  },
]);

export const EVENT_CATEGORIES: readonly string[] = Object.freeze([
  ...new Set(WEBHOOK_EVENT_TYPES.map(categoryOf)),
]);

const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES);

const CATALOG_BY_TYPE: ReadonlyMap<string, EventCatalogEntry> = new Map(
  EVENT_CATALOG.map((entry) => [entry.type, entry]),
);

export function isKnownEventType(type: string): type is WebhookEventType {
  return KNOWN_EVENT_TYPES.has(type);
}

export function isValidSubscription(pattern: string): boolean {
  if (pattern === WILDCARD_EVENT || isKnownEventType(pattern)) {
    return true;
  }
  if (!pattern.endsWith('.*')) {
    return false;
  }
  return EVENT_CATEGORIES.includes(pattern.slice(0, -2));
}

export function subscriptionPatternsFor(type: WebhookEventType): string[] {
  return [type, `${categoryOf(type)}.*`, WILDCARD_EVENT];
}

export function sampleFor(type: DeliverableEventType): Record<string, unknown> {
  const entry = CATALOG_BY_TYPE.get(type);
  return entry ? structuredClone(entry.samplePayload) : {};
}
