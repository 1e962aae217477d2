import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tenant's event history, newest first (GET webhook-events): without this index a page
 * reads every event of the tenant in every day. Created on the partitioned parent, so every
 * day partition has it, and each one attached later gets it too. Building it holds a SHARE
 * lock on webhook_events: new events wait until it is built (one row per event, so far
 * smaller than the logs).
 */
export class EventHistoryIndex1764000500000 implements MigrationInterface {
  name = 'EventHistoryIndex1764000500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX idx_webhook_events_tenant_created ON webhook_events (tenant_id, created_at DESC, event_id)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX idx_webhook_events_tenant_created`);
  }
}
