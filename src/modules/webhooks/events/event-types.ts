/** Subscribes to every event type; never triggered itself. */
export const WILDCARD_EVENT = '*';

/** Sent only by the test route; `triggerEvent` refuses it. */
export const TEST_EVENT_TYPE = 'webhook.test';

/**
 * Event type → the shape of its `data`, for the compiler only. Empty in the module; a host
 * adds its declared types by declaration merging, and from then on `triggerEvent` accepts
 * those types only, each with its own payload:
 *
 *   declare module 'nest-webhooks' {
 *     interface WebhookEventPayloads { 'invoice.paid': { invoice: { id: string } } }
 *   }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface WebhookEventPayloads {}

/** The event types of a payload map; any string while the map declares none. */
export type EventTypeIn<Payloads> = [keyof Payloads] extends [never]
  ? string
  : Extract<keyof Payloads, string>;

/** The `data` of `T` in a payload map; a plain object for a type the map does not name. */
export type EventDataIn<Payloads, T extends string> = [T] extends [never]
  ? Record<string, unknown>
  : T extends keyof Payloads
    ? Payloads[T]
    : Record<string, unknown>;

/** What `triggerEvent` accepts as `eventType`: the types of WebhookEventPayloads, or any string. */
export type WebhookEventType = EventTypeIn<WebhookEventPayloads>;

/** What `triggerEvent` accepts as `data` for `T`. */
export type WebhookEventData<T extends string> = EventDataIn<WebhookEventPayloads, T>;
