import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables of the example producer modules (messages, campaigns). */
export class CreateExampleProducers1764000100000 implements MigrationInterface {
  name = 'CreateExampleProducers1764000100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // "to" is a reserved word in SQL, hence quoted.
    await queryRunner.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        "to" varchar(255) NOT NULL,
        body text NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'sent'
          CHECK (status IN ('sent', 'delivered', 'read', 'failed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A tenant's messages by time.
    await queryRunner.query(
      `CREATE INDEX idx_messages_tenant_created ON messages (tenant_id, created_at)`,
    );

    await queryRunner.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        name varchar(255) NOT NULL,
        recipients text[] NOT NULL CHECK (cardinality(recipients) > 0),
        status varchar(16) NOT NULL DEFAULT 'draft'
          CHECK (status IN ('draft', 'running', 'completed', 'failed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        completed_at timestamptz
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE campaigns`);
    await queryRunner.query(`DROP TABLE messages`);
  }
}
