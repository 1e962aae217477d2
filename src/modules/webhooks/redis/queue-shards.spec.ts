import { randomUUID } from 'node:crypto';
import {
  concurrencyShare,
  deliveryQueueName,
  deliveryQueuePrefix,
  maintenanceQueuePrefix,
  shardOf,
} from './queue-shards';

describe('Queue shards', () => {
  const ids = Array.from({ length: 4000 }, () => randomUUID());

  it('puts every webhook on shard 0 when there is one shard', () => {
    expect(new Set(ids.map((id) => shardOf(id, 1)))).toEqual(new Set([0]));
  });

  it('gives a webhook the same shard every time, from a hash fixed across releases', () => {
    // FNV-1a's published vectors (a: 0xe40c292c, b: 0xe70c2de5, c: 0xe60c2c52) modulo 64: a
    // changed hash would move every webhook to another shard on upgrade.
    expect(['a', 'b', 'c'].map((id) => shardOf(id, 64))).toEqual([44, 37, 18]);
    const id = '6f1c0a52-3e0b-4a8e-9d54-2a4c1d7f9b10';
    expect(shardOf(id, 64)).toBe(0x535fcea5 % 64);
    expect(shardOf(id, 4)).toBe(shardOf(id, 4));
  });

  it('spreads webhooks evenly over the shards, within the range', () => {
    for (const shards of [2, 4, 7, 64]) {
      const counts = new Array<number>(shards).fill(0);
      for (const id of ids) counts[shardOf(id, shards)]++;
      const expected = ids.length / shards;
      expect(counts).toHaveLength(shards);
      for (const count of counts) {
        expect(count).toBeGreaterThan(expected * 0.6);
        expect(count).toBeLessThan(expected * 1.4);
      }
    }
  });

  it('keeps the queue of before as shard 0, without hash tags off a cluster', () => {
    const standalone = { queuePrefix: 'webhooks', onCluster: false };
    expect([0, 1, 3].map(deliveryQueueName)).toEqual([
      'webhook-delivery',
      'webhook-delivery-1',
      'webhook-delivery-3',
    ]);
    expect(deliveryQueuePrefix(standalone, 0)).toBe('webhooks');
    expect(deliveryQueuePrefix(standalone, 3)).toBe('webhooks');
    expect(maintenanceQueuePrefix(standalone)).toBe('webhooks');
  });

  it('gives each shard and the maintenance queue a hash tag of its own on a cluster', () => {
    const cluster = { queuePrefix: 'billing', onCluster: true };
    expect([0, 1, 2].map((shard) => deliveryQueuePrefix(cluster, shard))).toEqual([
      '{billing:0}',
      '{billing:1}',
      '{billing:2}',
    ]);
    expect(maintenanceQueuePrefix(cluster)).toBe('{billing}');
  });

  it("splits a process's concurrency over its shard workers, at least one each", () => {
    const split = (concurrency: number, shards: number) =>
      Array.from({ length: shards }, (_, shard) => concurrencyShare(concurrency, shards, shard));
    expect(split(50, 1)).toEqual([50]);
    expect(split(50, 4)).toEqual([13, 13, 12, 12]);
    expect(split(2, 4)).toEqual([1, 1, 1, 1]);
  });
});
