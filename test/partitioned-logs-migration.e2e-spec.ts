import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PartitionedLogsAndEvents1764000400000 } from '../src/modules/webhooks/migrations/1764000400000-PartitionedLogsAndEvents';
import { TenantIdsAsText1764000300000 } from '../src/modules/webhooks/migrations/1764000300000-TenantIdsAsText';
import { MIGRATIONS } from '../src/database/typeorm-options';
import { adminQuery, MigrationClass, migrationDataSource } from './helpers/migration-database';
import { BASE_DATABASE_URL, withDatabase } from './setup/test-env';


const DAY_MS = 86_400_000;
const DAYS_AHEAD = 7;
const DAILY_HISTORY_DAYS = 90;
const TABLES = ['webhook_logs', 'webhook_events'] as const;

/** A log of the old schema: every column but the ids it gets from its event and webhook. */
interface OldLog {
  webhook: number;
  status: string;
  attemptCount?: number;
  retryBase?: number;
  attempts?: unknown[];
  responseStatus?: number;
  responseBody?: string;
  responseTimeMs?: number;
  errorMessage?: string;
  nextAttemptAt?: string;
  updatedAt?: string;
  completedAt?: string;
}

/** One triggered event as the old schema stored it: its payload copied into each of its logs. */
interface OldEvent {
  tenant: 0 | 1;
  eventId: string;
  eventType: string;
  payload: string;
  createdAt: string;
  logs: OldLog[];
}

interface LogSnapshot {
  id: string;
  columns: string;
  payload: string | null;
}

/** The table's shape as Postgres reports it: compared before the migration and after `down`. */
interface TableShape {
  kind: string;
  columns: unknown[];
  constraints: unknown[];
  indexes: unknown[];
}

const migrationTime = (migration: MigrationClass) =>
  Number(/\d{13}$/.exec(new migration().name ?? '')?.[0]);
const dayName = (dayMs: number) => new Date(dayMs).toISOString().slice(0, 10).replace(/-/g, '');
/** "2026-12-02 13:14:15.161718+00" for a day `daysAgo` before today (UTC) and a time of day. */
const at = (today: number, daysAgo: number, time: string) =>
  `${new Date(today - daysAgo * DAY_MS).toISOString().slice(0, 10)} ${time}+00`;

/** Keys out of order, a repeated key, odd whitespace and non-ASCII text: jsonb would change it. */
const BYTE_EXACT_PAYLOAD =
  '{"zeta": 1,  "alpha":"ünïcødé ✓ 😀 \\u00e9",\n  "alpha" : [1, 2.50, 1e3], "nested": {"b":true,"a":null}}';

/**
 * The migration that moves the delivery logs into day partitions and their payloads into
 * webhook_events, run on a database the previous schema filled as an installation would have:
 * every row and payload survives (payloads byte for byte), each day lands in its partition,
 * `down` restores the old table as CreateWebhooks made it, and a failure changes nothing.
 */
describe('PartitionedLogsAndEvents migration (e2e)', () => {
  jest.setTimeout(60_000);
  const database = `${process.env.TEST_DATABASE_NAME}_partitioned_logs`;
  const url = withDatabase(BASE_DATABASE_URL, database);
  const target = migrationTime(PartitionedLogsAndEvents1764000400000);
  const inOrder = [...MIGRATIONS].sort((a, b) => migrationTime(a) - migrationTime(b));
  const previous = inOrder.filter((migration) => migrationTime(migration) < target);
  // Up to this migration: the ones after it have their own specs.
  const through = inOrder.filter((migration) => migrationTime(migration) <= target);
  const tenants = [`org_${randomBytes(4).toString('hex')}`, randomUUID()];
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const historyStart = today - DAILY_HISTORY_DAYS * DAY_MS;
  const beforePartition = (table: string) => `${table}_before_${dayName(historyStart)}`;
  const events = oldEvents(today);
  let db: DataSource;
  let before: { logs: LogSnapshot[]; shape: TableShape };

  const admin = adminQuery;

  /** Sessions east of UTC by a half hour: a day partition must still be a UTC day. */
  function connect(migrations: MigrationClass[]): Promise<DataSource> {
    return migrationDataSource(url, migrations, { options: '-c TimeZone=Asia/Kolkata' });
  }

  async function insertOldRows(webhookIds: string[][]): Promise<void> {
    for (const event of events) {
      for (const log of event.logs) {
        await db.query(
          `INSERT INTO webhook_logs (tenant_id, webhook_id, event_id, event_type, payload, status,
             attempt_count, retry_base, attempts, response_status, response_body, response_time_ms,
             error_message, next_attempt_at, created_at, updated_at, completed_at)
           VALUES ($1, $2, $3, $4, $5::json, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14, $15,
             $16, $17)`,
          [
            tenants[event.tenant],
            webhookIds[event.tenant][log.webhook],
            event.eventId,
            event.eventType,
            event.payload,
            log.status,
            log.attemptCount ?? 0,
            log.retryBase ?? 0,
            JSON.stringify(log.attempts ?? []),
            log.responseStatus ?? null,
            log.responseBody ?? null,
            log.responseTimeMs ?? null,
            log.errorMessage ?? null,
            log.nextAttemptAt ?? null,
            event.createdAt,
            log.updatedAt ?? event.createdAt,
            log.completedAt ?? null,
          ],
        );
      }
    }
  }

  /** Every log by id: its columns but the payload as JSON text, and its payload's exact text. */
  function logsSnapshot(): Promise<LogSnapshot[]> {
    return db.query(`SELECT id, (to_jsonb(l) - 'payload')::text AS columns, payload::text AS payload
                       FROM webhook_logs l ORDER BY id`);
  }

  /** The same, with each log's payload found through its event, as the module reads it. */
  function joinedLogsSnapshot(): Promise<LogSnapshot[]> {
    return db.query(`SELECT l.id, to_jsonb(l)::text AS columns, e.payload::text AS payload
                       FROM webhook_logs l
                       LEFT JOIN webhook_events e ON e.tenant_id = l.tenant_id
                        AND e.event_id = l.event_id AND e.created_at = l.created_at
                      ORDER BY l.id`);
  }

  async function tableShape(table: string): Promise<TableShape> {
    const [{ kind }] = await db.query(
      `SELECT relkind::text AS kind FROM pg_class WHERE oid = $1::regclass`,
      [table],
    );
    return {
      kind,
      columns: await db.query(
        `SELECT column_name, ordinal_position, data_type, character_maximum_length, is_nullable,
                column_default
           FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
        [table],
      ),
      constraints: await db.query(
        `SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
          WHERE conrelid = $1::regclass ORDER BY conname`,
        [table],
      ),
      indexes: await db.query(
        `SELECT indexname, indexdef FROM pg_indexes
          WHERE schemaname = current_schema() AND tablename = $1 ORDER BY indexname`,
        [table],
      ),
    };
  }

  /** Tables that exist, of these names. */
  async function existing(names: string[]): Promise<string[]> {
    const rows: Array<{ name: string }> = await db.query(
      `SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NOT NULL ORDER BY name`,
      [names],
    );
    return rows.map((row) => row.name);
  }

  async function dayTables(): Promise<string[]> {
    const rows: Array<{ relname: string }> = await db.query(
      `SELECT relname FROM pg_class
        WHERE relname ~ '^webhook_(logs|events)_(p|before_)[0-9]{8}$' ORDER BY relname`,
    );
    return rows.map((row) => row.relname);
  }

  async function ranMigrations(): Promise<string[]> {
    const rows: Array<{ name: string }> = await db.query(`SELECT name FROM migrations ORDER BY id`);
    return rows.map((row) => row.name);
  }

  /** The partitions `table` should have, with their bounds as Postgres prints them. */
  async function expectedPartitions(table: string): Promise<unknown[]> {
    const names = [beforePartition(table)];
    const froms: Array<string | null> = [null];
    const tos = [new Date(historyStart).toISOString()];
    for (let day = historyStart; day <= today + DAYS_AHEAD * DAY_MS; day += DAY_MS) {
      names.push(`${table}_p${dayName(day)}`);
      froms.push(new Date(day).toISOString());
      tos.push(new Date(day + DAY_MS).toISOString());
    }
    return db.query(
      `SELECT name, CASE WHEN from_day IS NULL
                      THEN format('FOR VALUES FROM (MINVALUE) TO (%L)', to_day::timestamptz)
                      ELSE format('FOR VALUES FROM (%L) TO (%L)', from_day::timestamptz, to_day::timestamptz)
                    END AS bound
         FROM unnest($1::text[], $2::text[], $3::text[]) AS p(name, from_day, to_day)
        ORDER BY name`,
      [names, froms, tos],
    );
  }

  async function partitionsOf(table: string): Promise<unknown[]> {
    return db.query(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = $1::regclass ORDER BY c.relname`,
      [table],
    );
  }

  /** Rows not in the partition of their UTC day (or the `before_` one when that is older). */
  async function misplacedRows(table: string): Promise<unknown[]> {
    return db.query(
      `SELECT tableoid::regclass::text AS partition, created_at::text FROM ${table}
        WHERE tableoid::regclass::text <> CASE WHEN created_at < $1::timestamptz THEN $2
                ELSE $3 || '_p' || to_char(created_at AT TIME ZONE 'UTC', 'YYYYMMDD') END`,
      [new Date(historyStart).toISOString(), beforePartition(table), table],
    );
  }

  /** The converted schema holds exactly the old rows, in their day partitions. */
  async function expectConverted(): Promise<void> {
    expect(await existing(['webhook_logs_unpartitioned'])).toEqual([]);
    // Same columns and values (the old snapshot leaves the payload out), same payload bytes.
    expect(await joinedLogsSnapshot()).toEqual(before.logs);
    expect(
      await db.query(`SELECT relname, partstrat, pg_get_partkeydef(partrelid) AS key
                        FROM pg_partitioned_table JOIN pg_class c ON c.oid = partrelid
                       ORDER BY relname`),
    ).toEqual(
      TABLES.map((table) => ({ relname: table, partstrat: 'r', key: 'RANGE (created_at)' })).sort(
        (a, b) => a.relname.localeCompare(b.relname),
      ),
    );
    for (const table of TABLES) {
      const partitions = await partitionsOf(table);
      expect(partitions).toHaveLength(1 + DAILY_HISTORY_DAYS + 1 + DAYS_AHEAD);
      expect(partitions).toEqual(await expectedPartitions(table));
      expect(await misplacedRows(table)).toEqual([]);
    }
  }

  beforeAll(async () => {
    expect(previous[previous.length - 1]).toBe(TenantIdsAsText1764000300000);
    await admin(`CREATE DATABASE "${database}"`);
    db = await connect(previous);
    await db.runMigrations();
    const webhookIds: string[][] = [];
    for (const [tenant, count] of [
      [0, 3],
      [1, 2],
    ]) {
      webhookIds[tenant] = [];
      for (let n = 0; n < count; n++) {
        const [{ id }] = await db.query(
          `INSERT INTO webhooks (tenant_id, name, url, events, retry_policy, timeout_ms, secret)
           VALUES ($1, $2, 'https://example.com/hooks', '{order.created}', '{}', 5000, 'enc:v1:k:x')
           RETURNING id`,
          [tenants[tenant], `hook ${n}`],
        );
        webhookIds[tenant].push(id);
      }
    }
    await insertOldRows(webhookIds);
    before = { logs: await logsSnapshot(), shape: await tableShape('webhook_logs') };
    await db.destroy();
  });

  afterAll(async () => {
    if (db?.isInitialized) await db.destroy();
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  it('starts from an unpartitioned table whose json payloads keep their bytes', async () => {
    const logCount = events.reduce((sum, event) => sum + event.logs.length, 0);
    expect(before.logs).toHaveLength(logCount);
    expect(before.shape.kind).toBe('r');
    expect(new Set(before.logs.map((log) => log.payload))).toEqual(
      new Set(events.map((event) => event.payload)),
    );
    db = await connect(previous);
    const [{ changed }] = await db.query(
      `SELECT bool_and(payload::jsonb::text <> payload::text) AS changed FROM webhook_logs
        WHERE event_id = 'order-42:ünïcødé/✓'`,
    );
    // The test payload is one jsonb would rewrite: byte equality below means something.
    expect(changed).toBe(true);
    await db.destroy();
  });

  it('moves every log into day partitions and each payload, byte for byte, into webhook_events', async () => {
    db = await connect(through);
    await db.runMigrations();

    expect((await ranMigrations()).slice(-1)).toEqual([PartitionedLogsAndEvents1764000400000.name]);
    await expectConverted();
    expect(
      await db.query(`SELECT tenant_id, event_id, event_type, payload::text,
                             (created_at AT TIME ZONE 'UTC')::text || '+00' AS created_at
                        FROM webhook_events
                       ORDER BY tenant_id COLLATE "C", event_id COLLATE "C", webhook_events.created_at`),
    ).toEqual(
      uniqueBy(
        events.map((event) => ({
          tenant_id: tenants[event.tenant],
          event_id: event.eventId,
          event_type: event.eventType,
          created_at: event.createdAt,
          payload: event.payload,
        })),
        (row) => `${row.tenant_id} ${row.event_id} ${row.created_at}`,
      ),
    );
    // One idempotency key per tenant and event id, dated by its first event (retention drops
    // the key with that day's events).
    const keys: Array<{ tenant_id: string; event_id: string; created_at: string }> = await db.query(
      `SELECT tenant_id, event_id, created_at::text FROM webhook_event_keys ORDER BY tenant_id, event_id`,
    );
    const firstEvents: Array<{ tenant_id: string; event_id: string; created_at: string }> =
      await db.query(`SELECT tenant_id, event_id, min(created_at)::text AS created_at FROM webhook_events
                       GROUP BY tenant_id, event_id ORDER BY tenant_id, event_id`);
    expect(keys).toEqual(firstEvents);
    expect(keys.filter((key) => key.event_id === 'evt_reused')).toHaveLength(1);
    expect(keys.filter((key) => key.event_id === 'evt_fanned_today')).toHaveLength(2);
  });

  it('goes down to the one table of CreateWebhooks with every row and payload, and up again', async () => {
    await db.undoLastMigration();

    expect(await tableShape('webhook_logs')).toEqual(before.shape);
    expect(await logsSnapshot()).toEqual(before.logs);
    expect(
      await existing(['webhook_events', 'webhook_event_keys', 'webhook_logs_unpartitioned']),
    ).toEqual([]);
    expect(await dayTables()).toEqual([]);

    await db.runMigrations();
    await expectConverted();
  });

  describe('when the conversion cannot finish', () => {
    const takenName = `webhook_events_p${dayName(today + 3 * DAY_MS)}`;

    beforeAll(async () => {
      await db.undoLastMigration();
    });

    it.each([
      {
        // Fails while creating the partitions, after the old table was renamed.
        blocker: 'a table named like a partition it creates',
        create: [`CREATE TABLE ${takenName} (id integer)`],
        drop: [`DROP TABLE ${takenName}`],
        error: `relation "${takenName}" already exists`,
        leftovers: [takenName],
      },
      {
        // Fails in the copy, after the idempotency keys were written.
        blocker: 'a log dated after the last day partition',
        create: [
          `INSERT INTO webhook_logs (tenant_id, webhook_id, event_id, event_type, payload, created_at)
           SELECT tenant_id, id, 'evt_clock_skew', 'order.created', '{}', now() + interval '30 days'
             FROM webhooks LIMIT 1`,
        ],
        drop: [`DELETE FROM webhook_logs WHERE event_id = 'evt_clock_skew'`],
        error: 'no partition of relation "webhook_events" found for row',
        leftovers: [],
      },
      {
        // Refused before anything changes: otherwise the DROP of the old table fails at the end.
        blocker: "a host's view on the logs and foreign key to them",
        create: [
          `CREATE VIEW delivery_status_counts AS
             SELECT status, count(*) FROM webhook_logs GROUP BY status`,
          `CREATE TABLE delivery_notes (log_id uuid REFERENCES webhook_logs (id))`,
        ],
        drop: [`DROP VIEW delivery_status_counts`, `DROP TABLE delivery_notes`],
        error:
          'Cannot partition webhook_logs while other objects depend on it (foreign key ' +
          'delivery_notes_log_id_fkey of delivery_notes, view delivery_status_counts): drop them',
        leftovers: [],
      },
    ])('changes nothing when blocked by $blocker', async ({ create, drop, error, leftovers }) => {
      for (const sql of create) await db.query(sql);
      const blocked = await logsSnapshot();

      await expect(db.runMigrations()).rejects.toThrow(error);

      expect(await ranMigrations()).not.toContain(PartitionedLogsAndEvents1764000400000.name);
      expect(await tableShape('webhook_logs')).toEqual(before.shape);
      expect(await logsSnapshot()).toEqual(blocked);
      expect(
        await existing(['webhook_events', 'webhook_event_keys', 'webhook_logs_unpartitioned']),
      ).toEqual([]);
      expect(await dayTables()).toEqual(leftovers);
      for (const sql of drop) await db.query(sql);
    });

    it('converts once the blocker is gone', async () => {
      await db.runMigrations();
      await expectConverted();
    });
  });
});

function uniqueBy<T>(rows: T[], key: (row: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const row of rows) if (!seen.has(key(row))) seen.set(key(row), row);
  return [...seen.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * An installation's history: events of two tenants fanned out to 2-3 webhooks, today, yesterday,
 * 10 days ago, on both sides of the 90-day line and long before it, in every status.
 */
function oldEvents(today: number): OldEvent[] {
  const day = (daysAgo: number, time = '09:30:00.123456') => at(today, daysAgo, time);
  const succeeded = (createdAt: string, webhook: number): OldLog => ({
    webhook,
    status: 'success',
    attemptCount: 1,
    attempts: [{ attempt: 1, status: 200, durationMs: 42, at: createdAt }],
    responseStatus: 200,
    responseBody: '{"ok":true}',
    responseTimeMs: 42,
    updatedAt: createdAt,
    completedAt: createdAt,
  });
  const failed = (createdAt: string, webhook: number): OldLog => ({
    webhook,
    status: 'failed',
    attemptCount: 5,
    retryBase: 2,
    attempts: [1, 2, 3, 4, 5].map((attempt) => ({ attempt, status: 500, error: 'HTTP 500' })),
    responseStatus: 500,
    responseBody: 'Internal Server Error',
    responseTimeMs: 1500,
    errorMessage: 'HTTP 500 after 5 attempts',
    completedAt: createdAt,
  });
  const today0 = day(0, '00:00:00.000001');
  const yesterday = day(1, '13:14:15.161718');
  const tenDays = day(10);
  // The first day kept by the day and the last instant of the shared "before" partition.
  const keptByDay = day(DAILY_HISTORY_DAYS, '00:00:00');
  const lastBefore = day(DAILY_HISTORY_DAYS + 1, '23:59:59.999999');
  return [
    {
      tenant: 0,
      eventId: 'evt_fanned_today',
      eventType: 'order.created',
      payload: '{"order":{"id":1,"total":"12.50"}}',
      createdAt: today0,
      logs: [
        { webhook: 0, status: 'pending', nextAttemptAt: today0 },
        { webhook: 1, status: 'sending', attemptCount: 1, nextAttemptAt: day(0, '00:00:30') },
        {
          webhook: 2,
          status: 'retrying',
          attemptCount: 2,
          retryBase: 1,
          attempts: [
            { attempt: 1, status: 503, error: 'HTTP 503' },
            { attempt: 2, error: 'timeout after 5000 ms' },
          ],
          responseStatus: 503,
          responseBody: 'busy',
          responseTimeMs: 5000,
          errorMessage: 'timeout after 5000 ms',
          nextAttemptAt: day(-1, '00:10:00.5'),
          updatedAt: day(0, '00:01:00'),
        },
      ],
    },
    {
      tenant: 1,
      eventId: 'evt_fanned_today',
      eventType: 'order.created',
      payload: '{"order":{"id":1,"tenant":"other"}}',
      createdAt: today0,
      logs: [{ webhook: 0, status: 'pending', nextAttemptAt: today0 }, succeeded(today0, 1)],
    },
    {
      tenant: 0,
      eventId: 'order-42:ünïcødé/✓',
      eventType: 'order.updated',
      payload: BYTE_EXACT_PAYLOAD,
      createdAt: yesterday,
      logs: [succeeded(yesterday, 0), failed(yesterday, 1)],
    },
    {
      tenant: 0,
      eventId: 'evt_ten_days',
      eventType: 'order.created',
      payload: '{"order":{"id":3}}',
      createdAt: tenDays,
      logs: [succeeded(tenDays, 1), succeeded(tenDays, 2)],
    },
    {
      // The old schema allowed an event id again for a webhook it had not reached yet.
      tenant: 0,
      eventId: 'evt_reused',
      eventType: 'order.created',
      payload: '{"order":{"id":4}}',
      createdAt: tenDays,
      logs: [succeeded(tenDays, 0)],
    },
    {
      tenant: 0,
      eventId: 'evt_reused',
      eventType: 'order.created',
      payload: '{"order":{"id":4},"again":true}',
      createdAt: yesterday,
      logs: [succeeded(yesterday, 2)],
    },
    {
      tenant: 1,
      eventId: 'evt_retrying',
      eventType: 'order.created',
      payload: '{"order":{"id":5}}',
      createdAt: tenDays,
      logs: [
        {
          webhook: 0,
          status: 'retrying',
          attemptCount: 1,
          attempts: [{ attempt: 1, error: 'ECONNREFUSED' }],
          errorMessage: 'ECONNREFUSED',
          nextAttemptAt: day(-2),
        },
      ],
    },
    {
      tenant: 0,
      eventId: 'evt_first_daily_day',
      eventType: 'order.created',
      payload: '{"order":{"id":6}}',
      createdAt: keptByDay,
      logs: [succeeded(keptByDay, 0)],
    },
    {
      tenant: 0,
      eventId: 'evt_last_before',
      eventType: 'order.created',
      payload: '{"order":{"id":7}}',
      createdAt: lastBefore,
      logs: [succeeded(lastBefore, 0), failed(lastBefore, 1)],
    },
    {
      tenant: 1,
      eventId: 'evt_120_days',
      eventType: 'order.deleted',
      payload: '{"order":{"id":8}}',
      createdAt: day(120),
      logs: [failed(day(120), 0), succeeded(day(120), 1)],
    },
    {
      tenant: 0,
      eventId: 'evt_200_days',
      eventType: 'order.created',
      payload: '{ "order" : { "id" : 9 } }',
      createdAt: day(200, '23:00:00'),
      logs: [0, 1, 2].map((webhook) => succeeded(day(200, '23:00:00'), webhook)),
    },
  ];
}
