import { WEBHOOK_DELIVERY_QUEUE } from '../delivery/webhook-queue';

/** What names the module's BullMQ queues in Redis: the deployment's prefix and the topology. */
export interface QueueKeySettings {
  queuePrefix: string;
  /** On a Redis Cluster every queue's keys carry a hash tag, so each queue is one slot. */
  onCluster: boolean;
}

/**
 * The delivery shard of a webhook: FNV-1a (32 bit) of its id, modulo the shard count. The same
 * in every process and release, so a webhook's deliveries always share one queue (what
 * ordered delivery needs); a change of QUEUE_SHARDS moves webhooks between shards.
 */
export function shardOf(webhookId: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < webhookId.length; i++) {
    hash ^= webhookId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** Shard 0 keeps the queue's historical name, so one shard is exactly the queue of before. */
export function deliveryQueueName(shard: number): string {
  return shard === 0 ? WEBHOOK_DELIVERY_QUEUE : `${WEBHOOK_DELIVERY_QUEUE}-${shard}`;
}

/**
 * BullMQ's key prefix for delivery shard `shard`. On a cluster it is a hash tag of its own
 * (`{webhooks:2}`), so all keys of one shard share a slot, as BullMQ's Lua scripts need, and
 * different shards land on different slots (and so spread over the masters).
 */
export function deliveryQueuePrefix(settings: QueueKeySettings, shard: number): string {
  return settings.onCluster ? `{${settings.queuePrefix}:${shard}}` : settings.queuePrefix;
}

/** The prefix of the maintenance queue (retention): one slot of its own on a cluster. */
export function maintenanceQueuePrefix(settings: QueueKeySettings): string {
  return settings.onCluster ? `{${settings.queuePrefix}}` : settings.queuePrefix;
}

/**
 * The process's concurrency (options.worker.concurrency) split over its shard workers, so the
 * process never runs more deliveries at once than configured; each worker gets at least one.
 */
export function concurrencyShare(concurrency: number, shards: number, shard: number): number {
  const base = Math.floor(concurrency / shards);
  return Math.max(1, base + (shard < concurrency % shards ? 1 : 0));
}
