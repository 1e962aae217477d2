import type { OperationalEventType } from '../events/built-in-events';

export type { OperationalEventType } from '../events/built-in-events';

/** `data` of `webhook.disabled`: the webhook the module disabled, and why. */
export interface WebhookDisabledData {
  webhookId: string;
  name: string;
  url: string;
  reason: string;
}

/** `data` of `webhook.delivery_failed`: the delivery that ended failed after its attempts. */
export interface DeliveryFailedData {
  webhookId: string;
  /** The delivery (log) id, as in the `x-webhook-delivery` header. */
  logId: string;
  /** The event whose delivery failed. */
  eventId: string;
  eventType: string;
  attemptCount: number;
  lastError: string;
}

export interface OperationalEventPayloads {
  'webhook.disabled': WebhookDisabledData;
  'webhook.delivery_failed': DeliveryFailedData;
}

/**
 * An operational event as the host's listeners get it: the same `eventId`, `type` and `data`
 * that the tenant's subscribed endpoints receive.
 */
export type OperationalEvent = {
  [T in OperationalEventType]: {
    tenantId: string;
    type: T;
    eventId: string;
    data: OperationalEventPayloads[T];
  };
}[OperationalEventType];

/** A host's in-process reaction to operational events; what it throws or rejects is logged. */
export type OperationalEventListener = (event: OperationalEvent) => void | Promise<void>;
