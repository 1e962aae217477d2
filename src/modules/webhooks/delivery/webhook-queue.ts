/** The BullMQ queue that schedules deliveries; jobs carry a log id, never payloads or secrets. */
export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';

export interface DeliveryJobData {
  logId: string;
  webhookId: string;
  /** The row's created_at (epoch ms), its partition key; absent on jobs queued before it existed. */
  createdAt?: number;
  /** Set while a rate-limited delivery waits for the slot it reserved. */
  slotAt?: number;
  /** Set when the row had a place in a FIFO webhook's line: its end lets the next one go. */
  fifo?: true;
}

/** A delivery row as the queue knows it: ids and the partition key, nothing else. */
export interface DeliveryRef {
  id: string;
  webhookId: string;
  /** created_at in epoch ms: finds the row's day partition without probing every day. */
  createdAt: number;
  /** Its place in a FIFO webhook's line (contract §10); null or absent when unordered. */
  fifoSequence?: number | null;
}

/**
 * Each job is one delivery for its whole life: failed HTTP attempts are rescheduled by the
 * processor (moveToDelayed), so BullMQ's own attempts only cover infrastructure errors
 * (Postgres unreachable while recording, say).
 */
export const DELIVERY_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { count: 10_000 },
} as const;
