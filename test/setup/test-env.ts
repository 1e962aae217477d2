import { randomBytes } from 'node:crypto';
import { loadDotEnv } from '../../src/config/dotenv';

/** Names of the per-run database and queue prefix, so tests never touch a developer's data. */
export function testRunIds(): { database: string; queuePrefix: string } {
  const run = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  return { database: `webhooks_test_${run}`, queuePrefix: `webhooks-test-${run}` };
}

export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

// The servers `npm start` uses: the environment, then `.env`, then the local defaults. The
// whole `.env` is loaded, as the app does, so spawned processes see the same settings.
loadDotEnv();
export const BASE_DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/webhooks';
export const BASE_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
