import { BadRequestException, Injectable } from '@nestjs/common';
import { WebhooksConfig } from '../options/webhooks-config';
import { BlockedAddressError, UrlGuard } from './url-guard';

/** Deployment rules for target URLs, on top of the syntax rules in the DTO. */
@Injectable()
export class WebhookUrlPolicy {
  private readonly requireHttps: boolean;

  constructor(
    private readonly guard: UrlGuard,
    config: WebhooksConfig,
  ) {
    this.requireHttps = config.requireHttps;
  }

  async assertAllowed(url: string): Promise<void> {
    const { protocol, hostname } = new URL(url);
    if (this.requireHttps && protocol !== 'https:') {
      throw new BadRequestException(['url must use https']);
    }
    if (this.guard.policy.isExempt(hostname)) return;
    try {
      await this.guard.resolveAllowed(hostname);
    } catch (error) {
      if (error instanceof BlockedAddressError) {
        throw new BadRequestException([`url is not allowed: ${error.message}`]);
      }
      // A name that does not resolve yet is accepted: DNS may be set up after the endpoint is
      // registered, and every connection is checked again on the address actually dialled.
    }
  }
}
