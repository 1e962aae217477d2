import { MigrationInterface, QueryRunner } from 'typeorm';

const UNFINISHED = `'pending', 'sending', 'retrying'`;

/**
 * Routing (contract §10): each webhook's payload filter, ordering and body format, and the
 * sequence that orders a FIFO webhook's deliveries.
 * - webhooks.fifo_sequence: the last sequence number given to one of its deliveries. The
 *   outbox insert increments it under the row lock, so numbers follow commit order.
 * - webhook_logs.fifo_sequence: set on the deliveries of FIFO webhooks only. The partial index
 *   finds a FIFO webhook's unfinished deliveries (the head and what waits behind it) and stays
 *   empty for every unordered webhook.
 * All new columns have defaults: adding them rewrites no existing row.
 */
export class RoutingSettings1764000600000 implements MigrationInterface {
  name = 'RoutingSettings1764000600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE webhooks
        ADD COLUMN filter jsonb,
        ADD COLUMN ordering varchar(16) NOT NULL DEFAULT 'unordered',
        ADD COLUMN format varchar(16) NOT NULL DEFAULT 'standard',
        ADD COLUMN template varchar(2000),
        ADD COLUMN fifo_sequence bigint NOT NULL DEFAULT 0,
        ADD CONSTRAINT webhooks_ordering_check CHECK (ordering IN ('unordered', 'fifo')),
        ADD CONSTRAINT webhooks_format_check CHECK (format IN ('standard', 'slack', 'discord'))`);
    await queryRunner.query(`ALTER TABLE webhook_logs ADD COLUMN fifo_sequence bigint`);
    await queryRunner.query(
      `CREATE INDEX idx_webhook_logs_fifo ON webhook_logs (webhook_id, fifo_sequence)
        WHERE fifo_sequence IS NOT NULL AND status IN (${UNFINISHED})`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS idx_webhook_logs_fifo`);
    await queryRunner.query(`ALTER TABLE webhook_logs DROP COLUMN fifo_sequence`);
    await queryRunner.query(`
      ALTER TABLE webhooks
        DROP CONSTRAINT webhooks_format_check,
        DROP CONSTRAINT webhooks_ordering_check,
        DROP COLUMN fifo_sequence,
        DROP COLUMN template,
        DROP COLUMN format,
        DROP COLUMN ordering,
        DROP COLUMN filter`);
  }
}
