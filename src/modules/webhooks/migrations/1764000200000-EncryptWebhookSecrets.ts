import { MigrationInterface } from 'typeorm';

/**
 * Kept for history: installations have run it, so its name stays in their migrations table.
 * It used to encrypt plaintext secrets with the app's live cipher and environment; a migration
 * must do the same thing forever and run where that environment does not exist (a host's own
 * migration run), so it now does nothing. The module encrypts plaintext secrets itself at every
 * start, with its own key (PlaintextSecretEncryption); a value without the `enc:` prefix reads
 * as plaintext until then. Migrations import nothing but typeorm.
 */
export class EncryptWebhookSecrets1764000200000 implements MigrationInterface {
  name = 'EncryptWebhookSecrets1764000200000';

  public async up(): Promise<void> {
    // Nothing: see above.
  }

  public async down(): Promise<void> {
    // Nothing: secrets stay encrypted; the earlier migrations never read them.
  }
}
