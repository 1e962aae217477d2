/** The life of a delivery row, as the check constraint webhook_logs_status_check allows it. */
export const DELIVERY_STATUSES = ['pending', 'sending', 'success', 'retrying', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * The moves DeliveryLogRepository makes, from each status:
 * - pending, retrying → sending: a worker claims the row (sending → sending: a claim whose
 *   worker never recorded an outcome is taken again once its lease ran out);
 * - sending → success | retrying | failed: the attempt's outcome, or failed unsent (a disabled
 *   webhook, a secret or header that cannot be sent);
 * - success, failed → pending: a manual retry or a recover, with a fresh round of retries.
 * Waiting for a rate-limit slot moves no status, only next_attempt_at.
 */
export const DELIVERY_TRANSITIONS: Readonly<Record<DeliveryStatus, readonly DeliveryStatus[]>> = {
  pending: ['sending'],
  sending: ['sending', 'success', 'retrying', 'failed'],
  retrying: ['sending'],
  success: ['pending'],
  failed: ['pending'],
};

export function canMove(from: DeliveryStatus, to: DeliveryStatus): boolean {
  return DELIVERY_TRANSITIONS[from].includes(to);
}

/** The statuses a row may leave for `to`, in DELIVERY_STATUSES order. */
export function statusesMovingTo(to: DeliveryStatus): DeliveryStatus[] {
  return DELIVERY_STATUSES.filter((from) => canMove(from, to));
}

/** A worker may claim these: not final yet (the partial index idx_webhook_logs_due holds them). */
export const CLAIMABLE_STATUSES = statusesMovingTo('sending');

/** Final: no worker sends them again until a manual retry or a recover. */
export const FINAL_STATUSES = statusesMovingTo('pending');

/** Due for a send and not claimed by a worker: a rate-limit wait or the relay lag apply to them. */
export const WAITING_STATUSES = CLAIMABLE_STATUSES.filter((status) => status !== 'sending');

/** `'a', 'b'` for `status IN (…)`: constants only, never input. */
export function sqlList(statuses: readonly DeliveryStatus[]): string {
  return statuses.map((status) => `'${status}'`).join(', ');
}
