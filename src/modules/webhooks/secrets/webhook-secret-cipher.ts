import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../../../config/app-config';
import { SecretCipher, secretKeysFrom } from './secret-cipher';

/** The SecretCipher of this deployment, keyed from the validated configuration. */
@Injectable()
export class WebhookSecretCipher extends SecretCipher {
  constructor(@Inject(ConfigService) config: AppConfig) {
    super(
      secretKeysFrom({
        WEBHOOK_SECRET_ENCRYPTION_KEY: config.get('WEBHOOK_SECRET_ENCRYPTION_KEY', { infer: true }),
        WEBHOOK_SECRET_DECRYPTION_KEYS: config.get('WEBHOOK_SECRET_DECRYPTION_KEYS', {
          infer: true,
        }),
      }),
    );
  }
}
