import { Injectable } from '@nestjs/common';
import { LookupFunction } from 'node:net';
import { WebhooksConfig } from '../options/webhooks-config';
import { AddressPolicy } from './address-policy';
import { HostResolver, ResolvedAddress } from './host-resolver';

/** A target refused by the SSRF guard. */
export class BlockedAddressError extends Error {
  readonly code = 'EBLOCKEDADDRESS';
  constructor(message: string) {
    super(message);
    this.name = 'BlockedAddressError';
  }
}

/**
 * The SSRF guard: checks hosts when a URL is saved and again on the address actually dialled,
 * so a name that re-resolves to a private address after the check (DNS rebinding) is refused.
 */
@Injectable()
export class UrlGuard {
  readonly policy: AddressPolicy;

  constructor(
    private readonly resolver: HostResolver,
    config: WebhooksConfig,
  ) {
    this.policy = new AddressPolicy({
      allowPrivate: config.allowPrivateUrls,
      allowedHosts: config.allowedHosts,
    });
  }

  /** Resolves `hostname` and throws BlockedAddressError unless every address may be dialled. */
  async resolveAllowed(hostname: string): Promise<ResolvedAddress[]> {
    if (this.policy.isIpLiteral(hostname)) {
      this.assertAddress(hostname);
      const bare = hostname.replace(/^\[|\]$/g, '');
      return [{ address: bare, family: bare.includes(':') ? 6 : 4 }];
    }
    const addresses = await this.resolver.resolve(hostname);
    if (!this.policy.isExempt(hostname)) {
      for (const { address } of addresses) this.assertAddress(address, hostname);
    }
    return addresses;
  }

  /**
   * Throws for a URL that may not be dialled, whatever its name resolves to: port 0 (also in
   * rows stored before create refused it), or a refused IP literal host (names are checked at
   * lookup).
   */
  assertDialable(url: URL): void {
    if (url.port === '0') throw new BlockedAddressError('port 0 is not a valid destination');
    if (this.policy.isIpLiteral(url.hostname)) this.assertAddress(url.hostname);
  }

  /** A `lookup` for http(s) agents: every connection is checked on the address it dials. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolveAllowed(hostname).then(
      (addresses) => {
        const wanted = options.family
          ? addresses.filter((a) => a.family === options.family)
          : addresses;
        const usable = wanted.length > 0 ? wanted : addresses;
        if (options.all) callback(null, usable);
        else callback(null, usable[0].address, usable[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };

  private assertAddress(address: string, hostname?: string): void {
    if (this.policy.isExempt(hostname ?? address)) return;
    const reason = this.policy.blockedReason(address);
    if (reason) {
      throw new BlockedAddressError(
        hostname
          ? `${hostname} resolves to ${reason}`
          : `${reason.replace(/^\S+ is/, 'the host is')}`,
      );
    }
  }
}
