import { DataSource, EntityManager } from 'typeorm';

/**
 * Raw SQL returning rows. TypeORM answers UPDATE/DELETE with `[rows, count]` and everything
 * else with `rows`; this hides the difference.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- callers name the row shape
export async function queryRows<T = Record<string, any>>(
  db: DataSource | EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const result = await db.query(sql, params);
  return Array.isArray(result[0]) ? result[0] : result;
}
