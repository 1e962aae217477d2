/**
 * Operational events carry ids derived from what they are about, so recording the same
 * outcome twice names the same event, and the outbox's idempotency writes it once.
 */

/** One failure per delivery round: the log id and the attempt count its round started at. */
export function deliveryFailedEventId(logId: string, retryBase: number): string {
  return `evt_op_delivery_failed_${logId}_${retryBase}`;
}

/** One per disable: the webhook id and the moment it was disabled. */
export function webhookDisabledEventId(webhookId: string, disabledAtMs: number): string {
  return `evt_op_webhook_disabled_${webhookId}_${disabledAtMs}`;
}
