import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from './query-rows';

const names = new Map<string, string>();

/** One name per statement text, so two texts never share a prepared statement. */
function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `webhooks_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Runs a hot statement (one the delivery path makes per batch) as a named prepared statement
 * on TypeORM's own pg pool: each connection parses and plans it once, instead of planning it
 * against every day partition on every call (about 0.4 ms of a 20-row claim). Inside a
 * caller's transaction it runs on that transaction, through TypeORM, as any other statement.
 */
export async function preparedRows<T>(
  db: DataSource | EntityManager,
  text: string,
  params: unknown[],
): Promise<T[]> {
  if (db instanceof EntityManager && db.queryRunner) return queryRows<T>(db, text, params);
  const source = db instanceof DataSource ? db : db.connection;
  const pool = (source.driver as unknown as { master: Pool }).master;
  const result = await pool.query({ name: nameOf(text), text, values: params });
  return result.rows as T[];
}
