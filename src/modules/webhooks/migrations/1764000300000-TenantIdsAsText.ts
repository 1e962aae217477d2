import { MigrationInterface, QueryRunner } from 'typeorm';

/** The module's tables; the example app's messages and campaigns keep UUID tenants. */
const TABLES = ['webhooks', 'webhook_logs'];
const UUID_PATTERN =
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/**
 * Tenant ids become text of up to 255 characters, so a host names its tenants its own way
 * ("org_42"). Existing UUIDs keep their text (lower case, as uuid columns print them), and
 * Postgres rebuilds the indexes on tenant_id. Each ALTER rewrites its table under an exclusive
 * lock: see the upgrade notes in docs/operations.md.
 */
export class TenantIdsAsText1764000300000 implements MigrationInterface {
  name = 'TenantIdsAsText1764000300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await queryRunner.query(
        `ALTER TABLE ${table} ALTER COLUMN tenant_id TYPE varchar(255) USING tenant_id::text`,
      );
    }
  }

  /** Back to uuid columns; refuses, changing nothing, while a tenant id is not a UUID. */
  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      const [found]: Array<{ rows: number; example: string | null }> = await queryRunner.query(
        `SELECT count(*)::int AS rows, min(tenant_id) AS example FROM ${table} WHERE tenant_id !~ $1`,
        [UUID_PATTERN],
      );
      if (found.rows > 0) {
        throw new Error(
          `Cannot turn tenant ids back into UUIDs: ${found.rows} rows of ${table} have a tenant ` +
            `id that is not a UUID (e.g. "${found.example}"); delete or rename those tenants first`,
        );
      }
    }
    for (const table of TABLES) {
      await queryRunner.query(
        `ALTER TABLE ${table} ALTER COLUMN tenant_id TYPE uuid USING tenant_id::uuid`,
      );
    }
  }
}
