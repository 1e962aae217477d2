import type { ResolvedAddress } from '../../src/modules/webhooks/url-guard/host-resolver';

/**
 * Stands in for DNS, which tests cannot change: answers are set per name and can change
 * between calls, the way a rebinding attacker's DNS server would.
 */
export class ScriptedResolver {
  readonly answers = new Map<string, string[]>();

  async resolve(hostname: string): Promise<ResolvedAddress[]> {
    const addresses = this.answers.get(hostname.toLowerCase());
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  }
}
