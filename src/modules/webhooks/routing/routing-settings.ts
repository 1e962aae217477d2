/** How a webhook receives its deliveries (contract §10): ordering and body format. */
export const WEBHOOK_ORDERINGS = ['unordered', 'fifo'] as const;
export type WebhookOrdering = (typeof WEBHOOK_ORDERINGS)[number];

export { WEBHOOK_FORMATS } from './format/webhook-format';
export type { WebhookFormat } from './format/webhook-format';

/** A payload filter as the tenant wrote it: dotted paths to literals or operator objects. */
export type WebhookFilter = Record<string, unknown>;
