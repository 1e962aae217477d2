import { Client } from 'pg';
import { DataSource, MigrationInterface } from 'typeorm';
import { BASE_DATABASE_URL, withDatabase } from '../setup/test-env';

export type MigrationClass = new () => MigrationInterface;

/** Runs one statement on the server's `postgres` database (CREATE / DROP DATABASE). */
export async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(BASE_DATABASE_URL, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A DataSource on `url` that knows only `migrations`, each run in its own transaction. */
export function migrationDataSource(
  url: string,
  migrations: MigrationClass[],
  extra?: Record<string, unknown>,
): Promise<DataSource> {
  return new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsTransactionMode: 'each',
    ...(extra ? { extra } : {}),
  }).initialize();
}
