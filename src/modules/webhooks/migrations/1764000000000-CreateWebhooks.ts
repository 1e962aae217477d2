import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateWebhooks1764000000000 implements MigrationInterface {
  name = 'CreateWebhooks1764000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhooks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        name varchar(255) NOT NULL,
        description varchar(1000),
        url varchar(2048) NOT NULL,
        events text[] NOT NULL CHECK (cardinality(events) > 0),
        headers jsonb NOT NULL DEFAULT '{}',
        retry_policy jsonb NOT NULL,
        timeout_ms integer NOT NULL CHECK (timeout_ms BETWEEN 1000 AND 30000),
        rate_limit_per_second integer CHECK (rate_limit_per_second BETWEEN 1 AND 1000),
        is_active boolean NOT NULL DEFAULT true,
        disabled_reason text,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        total_deliveries integer NOT NULL DEFAULT 0,
        successful_deliveries integer NOT NULL DEFAULT 0,
        failed_deliveries integer NOT NULL DEFAULT 0,
        consecutive_failures integer NOT NULL DEFAULT 0,
        failing_since timestamptz,
        last_triggered_at timestamptz,
        last_success_at timestamptz,
        last_failure_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Listing a tenant's webhooks, newest first.
    await queryRunner.query(
      `CREATE INDEX idx_webhooks_tenant_created ON webhooks (tenant_id, created_at DESC, id)`,
    );
    // triggerEvent: active webhooks of a tenant whose events overlap the event's patterns.
    await queryRunner.query(
      `CREATE INDEX idx_webhooks_tenant_active ON webhooks (tenant_id) INCLUDE (events) WHERE is_active`,
    );

    await queryRunner.query(`
      CREATE TABLE webhook_logs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        event_id varchar(255) NOT NULL,
        event_type varchar(100) NOT NULL,
        payload json NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'sending', 'success', 'retrying', 'failed')),
        attempt_count integer NOT NULL DEFAULT 0,
        retry_base integer NOT NULL DEFAULT 0,
        attempts jsonb NOT NULL DEFAULT '[]',
        response_status integer,
        response_body text,
        response_time_ms integer,
        error_message text,
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    // payload is json, not jsonb: receivers get the body byte for byte as triggerEvent built it.
    // Idempotency: one delivery per event and endpoint, whatever retries the producer makes.
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_webhook_logs_webhook_event ON webhook_logs (webhook_id, event_id)`,
    );
    // Was this event id already seen for the tenant?
    await queryRunner.query(
      `CREATE INDEX idx_webhook_logs_tenant_event ON webhook_logs (tenant_id, event_id)`,
    );
    // Log listing and stats per webhook and time.
    await queryRunner.query(
      `CREATE INDEX idx_webhook_logs_webhook_created ON webhook_logs (webhook_id, created_at DESC)`,
    );
    // Relay and recovery: deliveries still due, by when they are due.
    await queryRunner.query(
      `CREATE INDEX idx_webhook_logs_due ON webhook_logs (next_attempt_at)
         WHERE status IN ('pending', 'sending', 'retrying')`,
    );
    // Retention deletes by age.
    await queryRunner.query(`CREATE INDEX idx_webhook_logs_created ON webhook_logs (created_at)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE webhook_logs`);
    await queryRunner.query(`DROP TABLE webhooks`);
  }
}
