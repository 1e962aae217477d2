/**
 * What the module's tables take on disk, whatever their layout: every table named webhook%
 * (plain or partitioned) and every partition below it, each with its indexes and TOAST
 * (pg_total_relation_size). A partitioned parent stores nothing itself; its leaves do.
 */
import { DataSource } from 'typeorm';

export const MODULE_TABLES_SQL = `
  WITH RECURSIVE module_tables AS (
    SELECT c.oid FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relname LIKE 'webhook%' AND c.relkind IN ('r', 'p')
       AND n.nspname = current_schema()
    UNION
    SELECT i.inhrelid FROM pg_inherits i JOIN module_tables t ON i.inhparent = t.oid
  )
  SELECT c.relname AS name, pg_total_relation_size(c.oid)::bigint AS bytes
    FROM module_tables t JOIN pg_class c ON c.oid = t.oid`;

export interface StorageSnapshot {
  bytes: number;
  tables: Record<string, number>;
}

export async function moduleStorage(db: DataSource): Promise<StorageSnapshot> {
  const rows: Array<{ name: string; bytes: string }> = await db.query(MODULE_TABLES_SQL);
  const tables: Record<string, number> = {};
  for (const row of rows) tables[row.name] = Number(row.bytes);
  return { bytes: Object.values(tables).reduce((sum, b) => sum + b, 0), tables };
}

/** Growth per table between two snapshots, largest first, tables that did not grow left out. */
export function growth(before: StorageSnapshot, after: StorageSnapshot): Array<[string, number]> {
  return Object.entries(after.tables)
    .map(([name, bytes]): [string, number] => [name, bytes - (before.tables[name] ?? 0)])
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1]);
}
