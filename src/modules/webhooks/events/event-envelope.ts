import { MAX_JSON_DEPTH, nestsDeeperThan } from '../support/json-depth';
import { InvalidWebhookEventError } from './webhook-event.error';

/** The largest request body a receiver gets: the whole serialized envelope, in UTF-8 bytes. */
export const MAX_EVENT_PAYLOAD_BYTES = 256 * 1024;

/**
 * The request body receivers get, `{ id, type, timestamp, data }`, serialized once: these are
 * the bytes stored (the payload column is `json`, kept verbatim), signed and sent. The caller
 * has checked `eventType` against the catalog. Throws InvalidWebhookEventError for data that is
 * not a plain object, a body nested deeper than MAX_JSON_DEPTH or one over
 * MAX_EVENT_PAYLOAD_BYTES.
 */
export function buildEventEnvelope(
  eventId: string,
  eventType: string,
  data: Record<string, unknown>,
): string {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InvalidWebhookEventError('Webhook event data must be a plain object');
  }
  const envelope = { id: eventId, type: eventType, timestamp: new Date().toISOString(), data };
  // Before JSON.stringify, which recurses: deep (or cyclic) data must not overflow the stack.
  if (nestsDeeperThan(envelope, MAX_JSON_DEPTH)) {
    throw new InvalidWebhookEventError(
      `Webhook event payload is nested more than ${MAX_JSON_DEPTH} levels deep`,
    );
  }
  const body = JSON.stringify(envelope);
  const bytes = Buffer.byteLength(body);
  if (bytes > MAX_EVENT_PAYLOAD_BYTES) {
    throw new InvalidWebhookEventError(
      `Webhook event payload is ${bytes} bytes; the limit is ${MAX_EVENT_PAYLOAD_BYTES}`,
    );
  }
  return body;
}
