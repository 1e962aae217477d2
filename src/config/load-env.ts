import { existsSync } from 'node:fs';
import { EnvValidationError, parseEnv } from './env';

/**
 * Loads `.env` (never overriding real environment variables) and validates everything
 * before any module is built, so a bad value stops boot with one clear message.
 */
if (existsSync('.env')) process.loadEnvFile('.env');
try {
  parseEnv(process.env);
} catch (error) {
  if (!(error instanceof EnvValidationError)) throw error;
  console.error(error.message);
  process.exit(1);
}
