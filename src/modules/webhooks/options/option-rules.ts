import ipaddr from 'ipaddr.js';

const HOSTNAME =
  /^(?=.{1,253}\.?$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/;

export const ENCRYPTION_KEY_RULE = 'must be 32 bytes encoded as base64 (openssl rand -base64 32)';

/** Base64 of exactly 32 bytes. */
export function isSecretEncryptionKey(value: string): boolean {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32;
}

/** A hostname or an IP address (lower case). */
export function isHostname(value: string): boolean {
  return ipaddr.isValid(value) || HOSTNAME.test(value);
}

/** An entry of allowedHosts: a hostname, an IP address or a CIDR (lower case). */
export function isAllowedHostEntry(value: string): boolean {
  if (!value.includes('/')) return isHostname(value);
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
}

/** A Redis Cluster seed. */
export interface ClusterNode {
  host: string;
  port: number;
}

/** `host:port` or `[v6]:port`; null when it is not one. */
export function parseClusterNode(entry: unknown): ClusterNode | null {
  if (typeof entry !== 'string') return null;
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(entry.trim());
  if (!match) return null;
  const host = (match[1] ?? match[2]).toLowerCase();
  const port = Number(match[3]);
  return isHostname(host) && port >= 1 && port <= 65535 ? { host, port } : null;
}

/** An entry of redis.clusterNodes (REDIS_CLUSTER_NODES): `host:port` or `[v6]:port`. */
export function isRedisClusterNode(value: string): boolean {
  return parseClusterNode(value) !== null;
}
