import { existsSync } from 'node:fs';

/** Loads `.env` from the working directory if there is one; real environment variables win. */
export function loadDotEnv(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
}
