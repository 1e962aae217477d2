import { DataSource } from 'typeorm';
import { SecretCipher, secretKeysFrom } from './secret-cipher';
import { reencryptSecrets, RewriteCount } from './secret-rows';

/**
 * Key rotation, for the host's own command: re-encrypts every webhook secret that is not under
 * `secretEncryptionKey`, reading old values with `secretDecryptionKeys`. Safe while the service
 * runs, and to run again; returns counts only.
 */
export function reencryptWebhookSecrets(
  dataSource: DataSource,
  keys: { secretEncryptionKey: string; secretDecryptionKeys?: string[] },
): Promise<RewriteCount> {
  const cipher = new SecretCipher(
    secretKeysFrom({
      secretEncryptionKey: keys.secretEncryptionKey,
      secretDecryptionKeys: keys.secretDecryptionKeys ?? [],
    }),
  );
  return reencryptSecrets(dataSource, cipher);
}
