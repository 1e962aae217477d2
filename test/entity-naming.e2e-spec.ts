import { DataSource, DefaultNamingStrategy, NamingStrategyInterface } from 'typeorm';
import { ENTITIES, MIGRATIONS } from '../src/database/typeorm-options';

const toSnake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** What a host on snake_case names typically uses: every name, explicit or not, in snake case. */
class SnakeCaseNamingStrategy extends DefaultNamingStrategy implements NamingStrategyInterface {
  override tableName(className: string, customName: string | undefined): string {
    return toSnake(customName ?? className);
  }

  override columnName(propertyName: string, customName: string | undefined, prefixes: string[]) {
    return toSnake([...prefixes, customName ?? propertyName].join('_'));
  }

  override relationName(propertyName: string): string {
    return toSnake(propertyName);
  }

  override joinColumnName(relationName: string, referencedColumnName: string): string {
    return toSnake(`${relationName}_${referencedColumnName}`);
  }
}

interface Mapping {
  table: string;
  columns: string[];
}

/** The tables and columns the migrations create, as Postgres reports them. */
async function migratedSchema(db: DataSource, tables: string[]): Promise<Mapping[]> {
  const rows: Array<{ table_name: string; column_name: string }> = await db.query(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = ANY($1::text[])`,
    [tables],
  );
  return tables.map((table) => ({
    table,
    columns: rows
      .filter((row) => row.table_name === table)
      .map((row) => row.column_name)
      .sort(),
  }));
}

/** The tables and columns TypeORM reads and writes for the app's entities. */
function entityMapping(db: DataSource): Mapping[] {
  return db.entityMetadatas.map((entity) => ({
    table: entity.tableName,
    columns: [...new Set(entity.columns.map((column) => column.databaseName))].sort(),
  }));
}

describe('Entity names under any naming strategy (e2e)', () => {
  it.each([
    ['TypeORM default', new DefaultNamingStrategy()],
    ['snake case', new SnakeCaseNamingStrategy()],
  ])(
    'matches the migrated schema, with nothing to synchronize, under %s naming',
    async (_, naming) => {
      const db = new DataSource({
        type: 'postgres',
        url: process.env.DATABASE_URL,
        entities: ENTITIES,
        migrations: MIGRATIONS,
        migrationsRun: true,
        namingStrategy: naming,
      });
      await db.initialize();
      try {
        const mapping = entityMapping(db);
        expect(mapping.map((entity) => entity.table).sort()).toEqual([
          'campaigns',
          'messages',
          'webhook_events',
          'webhook_logs',
          'webhooks',
        ]);
        expect(mapping).toEqual(
          await migratedSchema(
            db,
            mapping.map((entity) => entity.table),
          ),
        );
        // The day partitions keep clear of foreign keys (see the partitioning migration).
        expect(db.getMetadata('WebhookLog').foreignKeys).toEqual([]);
        // What a host's `migration:generate` would write for these entities: nothing.
        const sync = await db.driver.createSchemaBuilder().log();
        expect(sync.upQueries.map((query) => query.query)).toEqual([]);
      } finally {
        await db.destroy();
      }
    },
  );
});
