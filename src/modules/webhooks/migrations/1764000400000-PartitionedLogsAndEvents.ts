import { MigrationInterface, QueryRunner } from 'typeorm';

const DAY_MS = 86_400_000;
/** Partitions the maintenance job keeps ready ahead of today; the module uses the same number. */
const DAYS_AHEAD = 7;
/** Older rows of a converted installation share one partition instead of one per day. */
const DAILY_HISTORY_DAYS = 90;

const STATUSES = `'pending', 'sending', 'success', 'retrying', 'failed'`;
const DUE_STATUSES = `'pending', 'sending', 'retrying'`;
const LOG_COLUMNS = `id, tenant_id, webhook_id, event_id, event_type, status, attempt_count,
  retry_base, attempts, response_status, response_body, response_time_ms, error_message,
  next_attempt_at, created_at, updated_at, completed_at`;

/** 2026-12-02 → "20261202": partition names say which day they hold. */
const dayName = (dayMs: number) => new Date(dayMs).toISOString().slice(0, 10).replace(/-/g, '');
const dayStart = (dayMs: number) => `'${new Date(dayMs).toISOString()}'`;

/**
 * Payload once per event, and time partitions (contract §11).
 * - webhook_events: one row per event that has deliveries, holding its payload; logs join it on
 *   (tenant_id, event_id, created_at), which every row of one trigger shares (one now()).
 * - webhook_event_keys: the tenant-wide idempotency of event ids. A unique index on a
 *   partitioned table must contain the partition key, so it could only say "once per day"; this
 *   small unpartitioned table says "once", and retention deletes a day's keys with its events.
 * - webhook_logs and webhook_events: range partitions by day of created_at (UTC), named
 *   <table>_pYYYYMMDD; retention detaches and drops whole days.
 * - No foreign key from the logs to webhooks: attaching or dropping a partition would then lock
 *   webhooks, which every delivery writes. The outbox insert locks the webhooks it writes for
 *   (FOR KEY SHARE), and a statement trigger on webhooks deletes a deleted webhook's logs, as
 *   the cascade did.
 * An existing installation is converted in this migration's transaction: its rows are copied
 * into the new tables (checked by count) and the old table dropped. Rows older than
 * DAILY_HISTORY_DAYS go to one <table>_before_YYYYMMDD partition. docs/operations.md has the
 * upgrade notes (the copy holds an exclusive lock on the old table while it runs).
 */
export class PartitionedLogsAndEvents1764000400000 implements MigrationInterface {
  name = 'PartitionedLogsAndEvents1764000400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`LOCK TABLE webhook_logs IN ACCESS EXCLUSIVE MODE`);
    await this.refuseDependents(queryRunner);
    await queryRunner.query(`ALTER TABLE webhook_logs RENAME TO webhook_logs_unpartitioned`);
    await queryRunner.query(
      `ALTER TABLE webhook_logs_unpartitioned RENAME CONSTRAINT webhook_logs_pkey TO webhook_logs_unpartitioned_pkey`,
    );
    for (const index of [
      'uq_webhook_logs_webhook_event',
      'idx_webhook_logs_tenant_event',
      'idx_webhook_logs_webhook_created',
      'idx_webhook_logs_due',
      'idx_webhook_logs_created',
    ]) {
      await queryRunner.query(`DROP INDEX IF EXISTS ${index}`);
    }

    await queryRunner.query(`
      CREATE TABLE webhook_events (
        tenant_id varchar(255) NOT NULL,
        event_id varchar(255) NOT NULL,
        event_type varchar(100) NOT NULL,
        payload json NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_events_pkey PRIMARY KEY (tenant_id, event_id, created_at)
      ) PARTITION BY RANGE (created_at)`);
    // payload is json, not jsonb: receivers get the body byte for byte as triggerEvent built it.

    await queryRunner.query(`
      CREATE TABLE webhook_event_keys (
        tenant_id varchar(255) NOT NULL,
        event_id varchar(255) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_event_keys_pkey PRIMARY KEY (tenant_id, event_id)
      )`);

    await queryRunner.query(`
      CREATE TABLE webhook_logs (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        tenant_id varchar(255) NOT NULL,
        webhook_id uuid NOT NULL,
        event_id varchar(255) NOT NULL,
        event_type varchar(100) NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending',
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
        completed_at timestamptz,
        CONSTRAINT webhook_logs_pkey PRIMARY KEY (id, created_at),
        CONSTRAINT webhook_logs_status_check CHECK (status IN (${STATUSES}))
      ) PARTITION BY RANGE (created_at)`);
    // Log listing and stats per webhook and time; deleting a webhook's logs.
    await queryRunner.query(
      `CREATE INDEX idx_webhook_logs_webhook_created ON webhook_logs (webhook_id, created_at DESC)`,
    );
    // Relay and recovery: deliveries still due, by when they are due; retention's in-flight check.
    await queryRunner.query(
      `CREATE INDEX idx_webhook_logs_due ON webhook_logs (next_attempt_at) WHERE status IN (${DUE_STATUSES})`,
    );

    await this.createPartitions(queryRunner);

    await queryRunner.query(`
      INSERT INTO webhook_event_keys (tenant_id, event_id, created_at)
      SELECT tenant_id, event_id, min(created_at) FROM webhook_logs_unpartitioned
       GROUP BY tenant_id, event_id`);
    await queryRunner.query(`
      INSERT INTO webhook_events (tenant_id, event_id, event_type, payload, created_at)
      SELECT DISTINCT ON (tenant_id, event_id, created_at) tenant_id, event_id, event_type, payload, created_at
        FROM webhook_logs_unpartitioned
       ORDER BY tenant_id, event_id, created_at`);
    await queryRunner.query(
      `INSERT INTO webhook_logs (${LOG_COLUMNS}) SELECT ${LOG_COLUMNS} FROM webhook_logs_unpartitioned`,
    );
    const [{ before, after }] = await queryRunner.query(
      `SELECT (SELECT count(*) FROM webhook_logs_unpartitioned)::bigint AS before,
              (SELECT count(*) FROM webhook_logs)::bigint AS after`,
    );
    if (before !== after) {
      throw new Error(`Copied ${after} of ${before} delivery logs: nothing was changed`);
    }
    await queryRunner.query(`DROP TABLE webhook_logs_unpartitioned`);

    // The cascade of the old foreign key, without its locks: a deleted webhook's logs go with
    // it, whoever deletes it (the module's route, a host's own clean-up).
    await queryRunner.query(`
      CREATE FUNCTION webhooks_delete_logs() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM webhook_logs l USING deleted_webhooks d WHERE l.webhook_id = d.id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER webhooks_delete_logs AFTER DELETE ON webhooks
        REFERENCING OLD TABLE AS deleted_webhooks
        FOR EACH STATEMENT EXECUTE FUNCTION webhooks_delete_logs()`);
  }

  /** Back to one table with a payload per row: copies everything back, then drops the new tables. */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhook_logs_unpartitioned (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id varchar(255) NOT NULL,
        webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        event_id varchar(255) NOT NULL,
        event_type varchar(100) NOT NULL,
        payload json NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending' CHECK (status IN (${STATUSES})),
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
    await queryRunner.query(`
      INSERT INTO webhook_logs_unpartitioned (${LOG_COLUMNS}, payload)
      SELECT ${LOG_COLUMNS.replace(/(\w+)/g, 'l.$1')}, e.payload
        FROM webhook_logs l
        JOIN webhook_events e
          ON e.tenant_id = l.tenant_id AND e.event_id = l.event_id AND e.created_at = l.created_at
       WHERE EXISTS (SELECT 1 FROM webhooks w WHERE w.id = l.webhook_id)`);
    await queryRunner.query(`DROP TRIGGER webhooks_delete_logs ON webhooks`);
    await queryRunner.query(`DROP FUNCTION webhooks_delete_logs()`);
    await queryRunner.query(`DROP TABLE webhook_logs`);
    await queryRunner.query(`DROP TABLE webhook_events`);
    await queryRunner.query(`DROP TABLE webhook_event_keys`);
    await queryRunner.query(`ALTER TABLE webhook_logs_unpartitioned RENAME TO webhook_logs`);
    await queryRunner.query(
      `ALTER TABLE webhook_logs RENAME CONSTRAINT webhook_logs_unpartitioned_pkey TO webhook_logs_pkey`,
    );
    await queryRunner.query(
      `ALTER TABLE webhook_logs RENAME CONSTRAINT webhook_logs_unpartitioned_webhook_id_fkey TO webhook_logs_webhook_id_fkey`,
    );
    await queryRunner.query(
      `ALTER TABLE webhook_logs RENAME CONSTRAINT webhook_logs_unpartitioned_status_check TO webhook_logs_status_check`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_webhook_logs_webhook_event ON webhook_logs (webhook_id, event_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_webhook_logs_tenant_event ON webhook_logs (tenant_id, event_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_webhook_logs_webhook_created ON webhook_logs (webhook_id, created_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_webhook_logs_due ON webhook_logs (next_attempt_at) WHERE status IN (${DUE_STATUSES})`,
    );
    await queryRunner.query(`CREATE INDEX idx_webhook_logs_created ON webhook_logs (created_at)`);
  }

  /**
   * A host's view on the old table, or foreign key to it, would stop its DROP only after the
   * whole copy under the exclusive lock, naming a table the host never made: refuse at once.
   */
  private async refuseDependents(queryRunner: QueryRunner): Promise<void> {
    const dependents: Array<{ name: string }> = await queryRunner.query(`
      SELECT format('view %s', r.ev_class::regclass) AS name
        FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
       WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
         AND d.refobjid = 'webhook_logs'::regclass AND r.ev_class <> 'webhook_logs'::regclass
      UNION
      SELECT format('foreign key %s of %s', conname, conrelid::regclass) FROM pg_constraint
       WHERE confrelid = 'webhook_logs'::regclass AND conrelid <> 'webhook_logs'::regclass
      ORDER BY name`);
    if (dependents.length > 0) {
      throw new Error(
        `Cannot partition webhook_logs while other objects depend on it ` +
          `(${dependents.map((row) => row.name).join(', ')}): drop them, run the migration, then ` +
          `create them again on the new tables (a log's payload is now in webhook_events). ` +
          `Nothing was changed`,
      );
    }
  }

  /**
   * A partition per day from the oldest copied row (at most DAILY_HISTORY_DAYS back, older rows
   * in one partition before that) to DAYS_AHEAD days from today.
   */
  private async createPartitions(queryRunner: QueryRunner): Promise<void> {
    const [{ oldest }] = await queryRunner.query(
      `SELECT (EXTRACT(EPOCH FROM min(created_at)) * 1000)::float8 AS oldest FROM webhook_logs_unpartitioned`,
    );
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const historyStart = today - DAILY_HISTORY_DAYS * DAY_MS;
    const oldestDay = oldest === null ? today : Math.floor(oldest / DAY_MS) * DAY_MS;
    const firstDay = Math.max(oldestDay, historyStart);
    for (const table of ['webhook_logs', 'webhook_events']) {
      if (oldestDay < historyStart) {
        await queryRunner.query(
          `CREATE TABLE ${table}_before_${dayName(firstDay)} PARTITION OF ${table}
             FOR VALUES FROM (MINVALUE) TO (${dayStart(firstDay)})`,
        );
      }
      for (let day = firstDay; day <= today + DAYS_AHEAD * DAY_MS; day += DAY_MS) {
        await queryRunner.query(
          `CREATE TABLE ${table}_p${dayName(day)} PARTITION OF ${table}
             FOR VALUES FROM (${dayStart(day)}) TO (${dayStart(day + DAY_MS)})`,
        );
      }
    }
  }
}
