/** How a webhook receives its deliveries (contract §10): ordering and body format. */
export const WEBHOOK_ORDERINGS = ['unordered', 'fifo'] as const;
export type WebhookOrdering = (typeof WEBHOOK_ORDERINGS)[number];

export const WEBHOOK_FORMATS = ['standard', 'slack', 'discord'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** A payload filter as the tenant wrote it: dotted paths to literals or operator objects. */
export type WebhookFilter = Record<string, unknown>;
