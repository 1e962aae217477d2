import { CLAIMABLE_STATUSES, sqlList } from './delivery-log-status';

/** Not final yet: the rows idx_webhook_logs_fifo holds (its predicate, word for word). */
const UNFINISHED = sqlList(CLAIMABLE_STATUSES);

/**
 * The unfinished deliveries of a FIFO webhook (contract §10, ordering), `alias` for the row
 * read; on idx_webhook_logs_fifo, which holds nothing of unordered webhooks.
 */
export function fifoLineRows(alias: string): string {
  return `${alias}.fifo_sequence IS NOT NULL AND ${alias}.status IN (${UNFINISHED})`;
}

/**
 * Whether the delivery row `log` may be sent now as far as ordering goes: it has no place in a
 * line (unordered), or its webhook is no longer FIFO (a switch to unordered releases the line),
 * or it is the head: no unfinished delivery of its webhook has a lower number. An unordered row
 * stops at the first test, so it pays nothing for the others.
 */
export function inFifoTurn(log: string): string {
  return `(${log}.fifo_sequence IS NULL
     OR NOT EXISTS (SELECT 1 FROM webhooks line_webhook
                     WHERE line_webhook.id = ${log}.webhook_id AND line_webhook.ordering = 'fifo')
     OR NOT EXISTS (SELECT 1 FROM webhook_logs ahead
                     WHERE ahead.webhook_id = ${log}.webhook_id
                       AND ahead.fifo_sequence < ${log}.fifo_sequence AND ${fifoLineRows('ahead')}))`;
}
