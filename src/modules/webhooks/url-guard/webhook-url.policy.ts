import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../../../config/app-config';

/** Deployment rules for target URLs, on top of the syntax rules in the DTO. */
@Injectable()
export class WebhookUrlPolicy {
  private readonly requireHttps: boolean;

  constructor(@Inject(ConfigService) config: AppConfig) {
    this.requireHttps = config.get('WEBHOOK_REQUIRE_HTTPS', { infer: true });
  }

  async assertAllowed(url: string): Promise<void> {
    if (this.requireHttps && new URL(url).protocol !== 'https:') {
      throw new BadRequestException(['url must use https']);
    }
  }
}
