/**
 * Key rotation: re-encrypts every webhook secret that is not under the current
 * WEBHOOK_SECRET_ENCRYPTION_KEY (see "Secrets at rest" in docs/decisions.md):
 *   npm run secrets:reencrypt
 * Prints counts only. Safe to run while the service runs, and to run again.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadDotEnv } from '../src/config/dotenv';
import { parseEnv } from '../src/config/env';
import { typeOrmOptions } from '../src/database/typeorm-options';
import { reencryptWebhookSecrets } from '../src/modules/webhooks';
import { secretKeysOf } from '../src/config/webhooks-options';

async function main(): Promise<void> {
  loadDotEnv();
  const env = parseEnv(process.env);
  const dataSource = new DataSource({ ...typeOrmOptions(env), migrationsRun: false });
  await dataSource.initialize();
  try {
    const { found, rewritten } = await reencryptWebhookSecrets(dataSource, secretKeysOf(env));
    console.log(`Webhooks not under the current key: ${found}; re-encrypted: ${rewritten}`);
    if (rewritten < found) {
      console.log(`${found - rewritten} changed while this ran; run the command again to check`);
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
