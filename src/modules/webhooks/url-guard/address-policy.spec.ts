import { AddressPolicy } from './address-policy';

const strict = new AddressPolicy({ allowPrivate: false, allowedHosts: [] });

describe('AddressPolicy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['224.0.0.251', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'private (unique local)'],
    ['fd12:3456::1', 'private (unique local)'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['[::1]', 'loopback'],
    ['64:ff9b::7f00:1', 'non-public (rfc6052)'],
    ['2002:7f00:1::', 'non-public (6to4)'],
    ['2001::1', 'non-public (teredo)'],
    ['::7f00:1', 'not a global unicast'],
    ['::a9fe:a9fe', 'not a global unicast'],
    ['4000::1', 'not a global unicast'],
  ])('blocks %s as %s', (address, kind) => {
    expect(strict.blockedReason(address)).toContain(kind);
  });

  it.each(['8.8.8.8', '93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'allows public %s',
    (address) => {
      expect(strict.blockedReason(address)).toBeNull();
    },
  );

  it('refuses what is not an address', () => {
    expect(strict.blockedReason('example.com')).toMatch(/not an IP address/);
  });

  it('allows everything when private URLs are allowed', () => {
    const open = new AddressPolicy({ allowPrivate: true, allowedHosts: [] });
    expect(open.blockedReason('127.0.0.1')).toBeNull();
    expect(open.isExempt('anything.internal')).toBe(true);
  });

  it('exempts allowed CIDRs, single IPs and host names', () => {
    const policy = new AddressPolicy({
      allowPrivate: false,
      allowedHosts: ['10.20.0.0/16', '192.168.1.7', 'Hooks.Internal.Example.', 'fd00::/8'],
    });
    expect(policy.blockedReason('10.20.3.4')).toBeNull();
    expect(policy.blockedReason('::ffff:10.20.3.4')).toBeNull();
    expect(policy.blockedReason('10.21.0.1')).toContain('private');
    expect(policy.blockedReason('192.168.1.7')).toBeNull();
    expect(policy.blockedReason('192.168.1.8')).toContain('private');
    expect(policy.blockedReason('fd00::5')).toBeNull();
    expect(policy.isExempt('hooks.internal.example.com')).toBe(false);
    expect(policy.isExempt('hooks.internal.example')).toBe(true);
    expect(policy.isExempt('HOOKS.internal.example.')).toBe(true);
    expect(policy.isExempt('other.example')).toBe(false);
  });
});
