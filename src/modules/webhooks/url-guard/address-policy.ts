import ipaddr from 'ipaddr.js';

export interface AddressPolicyOptions {
  /** options.allowPrivateUrls: every address is allowed (local development, tests). */
  allowPrivate: boolean;
  /** options.allowedHosts: hostnames, IPs and CIDRs exempt from the block. */
  allowedHosts: readonly string[];
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

const GLOBAL_IPV6 = ipaddr.parseCIDR('2000::/3');

/**
 * Which target addresses outbound webhooks may reach. Only globally routable unicast is
 * allowed: loopback, private, link-local (cloud metadata at 169.254.169.254), CGNAT,
 * multicast, reserved, unspecified and the IPv6 ranges that embed IPv4 addresses (6to4,
 * Teredo, NAT64) are refused. IPv4-mapped IPv6 is judged as the IPv4 address it carries.
 */
export class AddressPolicy {
  private readonly names = new Set<string>();
  private readonly cidrs: Cidr[] = [];

  constructor(private readonly options: AddressPolicyOptions) {
    for (const entry of options.allowedHosts) {
      const value = entry.trim().toLowerCase();
      if (!value) continue;
      if (value.includes('/')) this.cidrs.push(ipaddr.parseCIDR(value));
      else if (ipaddr.isValid(value)) {
        const address = normalize(ipaddr.parse(value));
        this.cidrs.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      } else this.names.add(value.replace(/\.$/, ''));
    }
  }

  /** True when the host needs no address check (private URLs allowed, or an allowed name). */
  isExempt(hostname: string): boolean {
    return (
      this.options.allowPrivate ||
      this.names.has(bareHost(hostname).toLowerCase().replace(/\.$/, ''))
    );
  }

  /** Why `address` may not be dialled, or null when it may. */
  blockedReason(address: string): string | null {
    if (this.options.allowPrivate) return null;
    const bare = bareHost(address);
    if (!ipaddr.isValid(bare)) return `"${address}" is not an IP address`;
    const parsed = normalize(ipaddr.parse(bare));
    if (
      this.cidrs.some(
        ([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits),
      )
    ) {
      return null;
    }
    const range = parsed.range();
    if (range !== 'unicast') return `${bare} is a ${describe(range)} address`;
    // ipaddr.js calls everything it has no name for "unicast" (IPv4-compatible ::7f00:1,
    // unassigned space); only 2000::/3 is handed out as global IPv6 unicast.
    if (parsed.kind() === 'ipv6' && !parsed.match(GLOBAL_IPV6)) {
      return `${bare} is not a global unicast address`;
    }
    return null;
  }

  isIpLiteral(hostname: string): boolean {
    return ipaddr.isValid(bareHost(hostname));
  }
}

function normalize(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

/** URL hostnames keep IPv6 brackets: `[::1]`. */
function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

function describe(range: string): string {
  const names: Record<string, string> = {
    loopback: 'loopback',
    private: 'private',
    uniqueLocal: 'private (unique local)',
    linkLocal: 'link-local',
    carrierGradeNat: 'carrier-grade NAT',
    multicast: 'multicast',
    unspecified: 'unspecified',
    broadcast: 'broadcast',
    reserved: 'reserved',
  };
  return names[range] ?? `non-public (${range})`;
}
