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
