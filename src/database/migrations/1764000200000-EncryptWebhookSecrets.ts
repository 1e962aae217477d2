import { MigrationInterface, QueryRunner } from 'typeorm';
import { parseEnv } from '../../config/env';
import { SecretCipher, secretKeysFrom } from '../../modules/webhooks/secrets/secret-cipher';
import {
  decryptSecrets,
  encryptPlaintextSecrets,
} from '../../modules/webhooks/secrets/secret-rows';

/**
 * Secrets at rest: encrypts the plaintext `secret` and `previous_secret` of existing webhooks
 * with WEBHOOK_SECRET_ENCRYPTION_KEY (AES-256-GCM, see SecretCipher). No schema change: the
 * columns are text and hold `enc:v1:…` from now on.
 */
export class EncryptWebhookSecrets1764000200000 implements MigrationInterface {
  name = 'EncryptWebhookSecrets1764000200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await encryptPlaintextSecrets(queryRunner, cipherFromEnvironment());
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await decryptSecrets(queryRunner, cipherFromEnvironment());
  }
}

function cipherFromEnvironment(): SecretCipher {
  return new SecretCipher(secretKeysFrom(parseEnv(process.env)));
}
