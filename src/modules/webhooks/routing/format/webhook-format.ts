/**
 * How a webhook's request body is shaped: `standard` is the envelope of contract §5, `slack`
 * and `discord` are chat messages made from a template, for those services' incoming webhooks.
 */
export const WEBHOOK_FORMATS = ['standard', 'slack', 'discord'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
export type ChatFormat = Exclude<WebhookFormat, 'standard'>;

export const DEFAULT_WEBHOOK_FORMAT: WebhookFormat = 'standard';

/** The message a chat format sends when the webhook has no template of its own. */
export const DEFAULT_TEMPLATE = '[{{type}}] {{id}}';

/**
 * The longest message text sent, in characters; longer text is cut and ends with "…".
 * Discord refuses `content` over 2,000 characters. Slack asks for at most 4,000 characters of
 * `text` (it cuts messages only past 40,000, but long ones read badly and may be split).
 */
export const MESSAGE_TEXT_LIMITS: Readonly<Record<ChatFormat, number>> = {
  slack: 4000,
  discord: 2000,
};

export function isWebhookFormat(value: unknown): value is WebhookFormat {
  return typeof value === 'string' && (WEBHOOK_FORMATS as readonly string[]).includes(value);
}

export function isChatFormat(format: WebhookFormat): format is ChatFormat {
  return format !== 'standard';
}

export function formatProblem(value: unknown): string | null {
  return isWebhookFormat(value) ? null : `format must be one of ${WEBHOOK_FORMATS.join(', ')}`;
}
