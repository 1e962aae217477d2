import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { webhooksMigrations } from '../src/modules/webhooks/migrations/webhooks-migrations';
import { TenantIdsAsText1764000300000 } from '../src/modules/webhooks/migrations/1764000300000-TenantIdsAsText';
import { MIGRATIONS } from '../src/database/typeorm-options';
import { adminQuery, MigrationClass, migrationDataSource } from './helpers/migration-database';
import { BASE_DATABASE_URL, withDatabase } from './setup/test-env';

interface TenantRow {
  id: string;
  tenant_id: string;
}

/**
 * The migration that turns tenant ids into text, run on a database the previous schema
 * filled: no row is lost, no tenant id changes, and `down` restores UUID columns.
 */
describe('TenantIdsAsText migration (e2e)', () => {
  jest.setTimeout(60_000);
  const database = `${process.env.TEST_DATABASE_NAME}_tenant_ids`;
  const url = withDatabase(BASE_DATABASE_URL, database);
  const previous = MIGRATIONS.slice(0, MIGRATIONS.indexOf(TenantIdsAsText1764000300000));
  // Without the module's later migrations: they have their own specs.
  const later = webhooksMigrations.slice(
    webhooksMigrations.indexOf(TenantIdsAsText1764000300000) + 1,
  );
  const through = MIGRATIONS.filter((migration) => !later.includes(migration));
  // The old uuid columns store this one in lower case.
  const tenants = [randomUUID(), randomUUID().toUpperCase(), randomUUID()];
  let db: DataSource;
  let before: { webhooks: TenantRow[]; logs: TenantRow[]; indexes: string[] };

  const admin = adminQuery;
  const connect = (migrations: MigrationClass[]) => migrationDataSource(url, migrations);

  async function snapshot() {
    return {
      webhooks: await db.query(`SELECT id, tenant_id::text FROM webhooks ORDER BY id`),
      logs: await db.query(`SELECT id, tenant_id::text FROM webhook_logs ORDER BY id`),
      indexes: (
        await db.query(
          `SELECT indexdef FROM pg_indexes WHERE tablename IN ('webhooks', 'webhook_logs')
            ORDER BY indexname`,
        )
      ).map((row: { indexdef: string }) => row.indexdef),
    };
  }

  async function tenantIdTypes(): Promise<Record<string, string>> {
    const rows: Array<{ table_name: string; type: string }> = await db.query(
      `SELECT c.relname AS table_name, format_type(a.atttypid, a.atttypmod) AS type
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relname IN ('webhooks', 'webhook_logs', 'messages', 'campaigns')
          AND a.attname = 'tenant_id'`,
    );
    return Object.fromEntries(rows.map((row) => [row.table_name, row.type]));
  }

  beforeAll(async () => {
    await admin(`CREATE DATABASE "${database}"`);
    db = await connect(previous);
    await db.runMigrations();
    for (const tenantId of tenants) {
      for (const name of ['first', 'second']) {
        await db.query(
          `INSERT INTO webhooks (tenant_id, name, url, events, retry_policy, timeout_ms, secret)
           VALUES ($1, $2, 'https://example.com/hooks', '{message.sent}', '{}', 5000, 'enc:v1:k:x')`,
          [tenantId, name],
        );
      }
    }
    await db.query(
      `INSERT INTO webhook_logs (tenant_id, webhook_id, event_id, event_type, payload)
       SELECT w.tenant_id, w.id, 'evt_' || n, 'message.sent', '{}'
         FROM webhooks w, generate_series(1, 3) n`,
    );
    before = await snapshot();
    await db.destroy();
  });

  afterAll(async () => {
    if (db?.isInitialized) await db.destroy();
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  it('turns the module tenant ids into varchar(255), keeping every row and index', async () => {
    expect(before.webhooks).toHaveLength(6);
    expect(before.logs).toHaveLength(18);
    expect(before.webhooks.map((row) => row.tenant_id)).toContain(tenants[1].toLowerCase());

    db = await connect(through);
    await db.runMigrations();

    expect(await tenantIdTypes()).toEqual({
      webhooks: 'character varying(255)',
      webhook_logs: 'character varying(255)',
      // The example app's own tables keep their UUID tenants.
      messages: 'uuid',
      campaigns: 'uuid',
    });
    expect(await snapshot()).toEqual(before);
  });

  it('goes down to uuid columns and up again without changing a row', async () => {
    await db.undoLastMigration();
    expect(await tenantIdTypes()).toMatchObject({ webhooks: 'uuid', webhook_logs: 'uuid' });
    expect(await snapshot()).toEqual(before);

    await db.runMigrations();
    expect(await tenantIdTypes()).toMatchObject({
      webhooks: 'character varying(255)',
      webhook_logs: 'character varying(255)',
    });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses to go down while a tenant id is not a UUID, changing nothing', async () => {
    const [{ id }] = await db.query(
      `INSERT INTO webhooks (tenant_id, name, url, events, retry_policy, timeout_ms, secret)
       VALUES ('org_42', 'host', 'https://example.com/hooks', '{message.sent}', '{}', 5000, 'enc:v1:k:x')
       RETURNING id`,
    );

    await expect(db.undoLastMigration()).rejects.toThrow(
      /^Cannot turn tenant ids back into UUIDs: 1 rows of webhooks have a tenant id that is not a UUID \(e\.g\. "org_42"\)/,
    );
    expect(await tenantIdTypes()).toMatchObject({
      webhooks: 'character varying(255)',
      webhook_logs: 'character varying(255)',
    });
    const [{ tenant_id }] = await db.query(`SELECT tenant_id FROM webhooks WHERE id = $1`, [id]);
    expect(tenant_id).toBe('org_42');
  });
});
