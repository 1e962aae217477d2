import { Client } from 'pg';
import { BASE_DATABASE_URL, BASE_REDIS_URL, testRunIds, withDatabase } from './test-env';

/** Creates this run's own database and queue prefix; the app migrates the database at boot. */
export default async function globalSetup(): Promise<void> {
  const { database, queuePrefix } = testRunIds();
  const admin = new Client({ connectionString: withDatabase(BASE_DATABASE_URL, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  Object.assign(process.env, {
    NODE_ENV: 'test',
    TEST_DATABASE_NAME: database,
    DATABASE_URL: withDatabase(BASE_DATABASE_URL, database),
    REDIS_URL: BASE_REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    DB_MIGRATIONS_RUN: 'true',
    WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    // Warnings and errors only, held per test and printed if it fails (app-log-sink.ts); a
    // spec can read more through LOG_OUTPUT.
    LOG_LEVEL: 'warn',
  });
}
