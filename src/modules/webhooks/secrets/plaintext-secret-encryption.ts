import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { encryptPlaintextSecrets, RewriteCount } from './secret-rows';
import { WebhookSecretCipher } from './webhook-secret-cipher';

/** One process at a time encrypts; the others start without waiting for it. */
export const PLAINTEXT_SECRETS_LOCK_KEY = 727_003;

/**
 * At every start, encrypts the webhook secrets still stored in plaintext (rows written before
 * secrets were encrypted at rest, or by SQL) under the module's own key. Idempotent: only values
 * without the `enc:` prefix are touched, in batches, and a row the app changes meanwhile keeps
 * what the app wrote. Until then a plaintext secret still reads and signs as it is.
 */
@Injectable()
export class PlaintextSecretEncryption implements OnApplicationBootstrap {
  private readonly logger = new Logger(PlaintextSecretEncryption.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cipher: WebhookSecretCipher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const count = await this.encryptOnce();
      if (count && count.rewritten > 0) {
        this.logger.log(`Encrypted the plaintext secrets of ${count.rewritten} webhooks`);
      }
    } catch (error) {
      // Not fatal: plaintext secrets keep working, and the next start tries again.
      this.logger.error(`Encrypting plaintext webhook secrets failed: ${(error as Error).message}`);
    }
  }

  /** Counts what it encrypted; null when another process holds the lock and does it. */
  async encryptOnce(): Promise<RewriteCount | null> {
    // A session lock on one connection: the batches commit one by one, not as one transaction.
    const runner = this.db.createQueryRunner();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [
        PLAINTEXT_SECRETS_LOCK_KEY,
      ]);
      if (!locked) return null;
      try {
        return await encryptPlaintextSecrets(runner, this.cipher);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [PLAINTEXT_SECRETS_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }
}
