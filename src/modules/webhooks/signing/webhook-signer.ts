import { createHmac } from 'node:crypto';
import { secretKey } from '../endpoints/validation/webhook-secret';

export interface SignatureHeaders {
  'webhook-signature': string;
  'x-webhook-signature': string;
}

/**
 * Standard Webhooks signatures (`v1,<base64 HMAC-SHA256>` over "id.timestamp.body", one entry
 * per valid secret) plus the simple `sha256=<hex>` of the body under the current secret.
 */
export function signPayload(
  secrets: readonly string[],
  eventId: string,
  timestampSeconds: number,
  body: string,
): SignatureHeaders {
  const signed = `${eventId}.${timestampSeconds}.${body}`;
  const standard = secrets.map(
    (secret) => `v1,${createHmac('sha256', secretKey(secret)).update(signed).digest('base64')}`,
  );
  const simple = createHmac('sha256', secrets[0]).update(body).digest('hex');
  return { 'webhook-signature': standard.join(' '), 'x-webhook-signature': `sha256=${simple}` };
}
