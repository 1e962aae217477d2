import { Injectable } from '@nestjs/common';
import { WebhooksConfig } from '../options/webhooks-config';
import { SecretCipher, secretKeysFrom } from './secret-cipher';

/** The SecretCipher of this deployment, keyed from the validated configuration. */
@Injectable()
export class WebhookSecretCipher extends SecretCipher {
  constructor(config: WebhooksConfig) {
    super(secretKeysFrom(config));
  }
}
