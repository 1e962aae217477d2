import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../src/database/typeorm-options';
import { EventHistoryIndex1764000500000 } from '../src/modules/webhooks/migrations/1764000500000-EventHistoryIndex';
import { DayPartitions } from '../src/modules/webhooks/partitions/day-partitions.service';
import {
  DAY_MS,
  dayPartitionName,
  PARTITIONED_TABLES,
  startOfDay,
} from '../src/modules/webhooks/partitions/day-partitions';
import {
  DeliveryPipeline,
  LogBody,
  ONE_ATTEMPT,
  startDeliveryPipeline,
  WEBHOOKS_BASE,
} from './helpers/delivery-harness';
import { insertDeliveryRows } from './helpers/delivery-rows';
import { adminQuery, MigrationClass, migrationDataSource } from './helpers/migration-database';
import { BASE_DATABASE_URL, withDatabase } from './setup/test-env';

const EVENTS = '/api/v1/webhook-events';
const INDEX = 'idx_webhook_events_tenant_created';
const EVENT_ID_RULE = 'eventId must be 1-255 letters, digits, "_", ".", ":" or "-"';

interface EventSummary {
  eventId: string;
  eventType: string;
  createdAt: string;
  deliveries: number;
}
interface EventPage {
  data: EventSummary[];
  meta: { page: number; limit: number; total: number };
}

/** The partitions of webhook_events that lack the history index. */
async function partitionsWithoutIndex(db: DataSource): Promise<string[]> {
  const rows: Array<{ name: string }> = await db.query(
    `SELECT c.relname AS name FROM pg_inherits p JOIN pg_class c ON c.oid = p.inhrelid
      WHERE p.inhparent = 'webhook_events'::regclass
        AND NOT EXISTS (
          SELECT 1 FROM pg_indexes i
           WHERE i.tablename = c.relname
             AND i.indexdef LIKE '%USING btree (tenant_id, created_at DESC, event_id)')
      ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

async function partitionCount(db: DataSource): Promise<number> {
  const [{ n }] = await db.query(
    `SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'webhook_events'::regclass`,
  );
  return n;
}

describe('Event history routes (e2e)', () => {
  let pipeline: DeliveryPipeline;

  beforeAll(async () => {
    pipeline = await startDeliveryPipeline({ retryPolicy: ONE_ATTEMPT });
  });
  afterAll(() => pipeline.close());

  /**
   * A tenant with two endpoints: "CRM sync" takes message.sent and campaign.*, "Audit trail"
   * message.sent only. A message.sent event fans out to both, a campaign.started one to CRM.
   */
  async function tenantWithTwoEndpoints() {
    const tenantId = randomUUID();
    const tenant = pipeline.t.as(tenantId);
    const path = `/history-${randomUUID()}`;
    const crm = await pipeline.register(tenantId, `${path}/crm`, { name: 'CRM sync' });
    const audit = await pipeline.register(tenantId, `${path}/audit`, {
      name: 'Audit trail',
      events: ['message.sent'],
    });
    const trigger = async (type: 'message.sent' | 'campaign.started', eventId?: string) =>
      (await pipeline.webhooks.triggerEvent(tenantId, type, { order: 7 }, { eventId })).eventId;
    /** Both endpoints' logs once every delivery is final. */
    const delivered = async () => ({
      crm: (await pipeline.finalLogs(tenantId, crm.id)).data,
      audit: (await pipeline.finalLogs(tenantId, audit.id)).data,
    });
    return { tenantId, tenant, path, crm, audit, trigger, delivered };
  }

  const logOf = (logs: LogBody[], eventId: string) => {
    const log = logs.find((entry) => entry.eventId === eventId);
    if (!log) throw new Error(`no log of ${eventId}`);
    return log;
  };

  describe('GET /webhook-events/:eventId', () => {
    it('lists the deliveries of an event that fanned out to two endpoints, with its payload', async () => {
      const { tenant, path, audit, trigger, delivered } = await tenantWithTwoEndpoints();
      const eventId = `order:${randomUUID()}`;
      await trigger('message.sent', eventId);
      const logs = await delivered();
      const [sent] = pipeline.receiver.received(`${path}/crm`);

      const res = await tenant.get(`${EVENTS}/${eventId}`).expect(200);
      const crmLog = logOf(logs.crm, eventId);
      const auditLog = logOf(logs.audit, eventId);
      expect(res.body).toEqual({
        eventId,
        eventType: 'message.sent',
        createdAt: crmLog.createdAt,
        payload: JSON.parse(sent.body),
        // By webhook name.
        deliveries: [auditLog, crmLog].map((log) => ({
          webhookId: log.webhookId,
          webhookName: log.webhookId === audit.id ? 'Audit trail' : 'CRM sync',
          logId: log.id,
          status: 'success',
          attemptCount: 1,
          responseStatus: 200,
          completedAt: log.completedAt,
        })),
      });
      expect(res.body.payload).toMatchObject({ id: eventId, type: 'message.sent' });
    });

    it("keeps the event when a webhook is deleted, without that webhook's delivery", async () => {
      const { tenant, crm, audit, trigger, delivered } = await tenantWithTwoEndpoints();
      const eventId = await trigger('message.sent');
      const logs = await delivered();
      await tenant.delete(`${WEBHOOKS_BASE}/${audit.id}`).expect(204);

      const detail = await tenant.get(`${EVENTS}/${eventId}`).expect(200);
      expect(detail.body.deliveries).toEqual([
        expect.objectContaining({ webhookId: crm.id, logId: logOf(logs.crm, eventId).id }),
      ]);
      const list = (await tenant.get(EVENTS).expect(200)).body as EventPage;
      expect(list.data.map(({ eventId: id, deliveries }) => ({ id, deliveries }))).toEqual([
        { id: eventId, deliveries: 1 },
      ]);
    });

    it("finds a test route's event, which has no idempotency key", async () => {
      const { tenant, crm } = await tenantWithTwoEndpoints();
      const sent = await tenant.post(`${WEBHOOKS_BASE}/${crm.id}/test`, {}).expect(200);
      const log = (await tenant.get(`${WEBHOOKS_BASE}/${crm.id}/logs/${sent.body.logId}`)).body;

      const res = await tenant.get(`${EVENTS}/${log.eventId}`).expect(200);
      expect(res.body).toMatchObject({ eventId: log.eventId, eventType: 'webhook.test' });
      expect(res.body.payload).toEqual(log.payload);
      expect(res.body.deliveries).toEqual([
        expect.objectContaining({ logId: log.id, webhookName: 'CRM sync', status: 'success' }),
      ]);
    });

    it("answers 404 for another tenant's event and an unknown one", async () => {
      const { tenant, trigger, delivered } = await tenantWithTwoEndpoints();
      const eventId = await trigger('message.sent');
      await delivered();

      const stranger = pipeline.t.as(randomUUID());
      const res = await stranger.get(`${EVENTS}/${eventId}`).expect(404);
      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Event not found' });
      await tenant.get(`${EVENTS}/evt_${randomUUID().replace(/-/g, '')}`).expect(404);
    });

    it('answers each tenant with its own event when two tenants use the same event id', async () => {
      const first = await tenantWithTwoEndpoints();
      const second = await tenantWithTwoEndpoints();
      const eventId = `shared-${randomUUID()}`;
      await first.trigger('message.sent', eventId);
      await second.trigger('campaign.started', eventId);
      await first.delivered();
      await pipeline.finalLogs(second.tenantId, second.crm.id);

      const mine = await first.tenant.get(`${EVENTS}/${eventId}`).expect(200);
      const theirs = await second.tenant.get(`${EVENTS}/${eventId}`).expect(200);
      expect(mine.body.eventType).toBe('message.sent');
      expect(mine.body.deliveries.map((d: { webhookId: string }) => d.webhookId).sort()).toEqual(
        [first.crm.id, first.audit.id].sort(),
      );
      expect(theirs.body.eventType).toBe('campaign.started');
      expect(theirs.body.deliveries.map((d: { webhookId: string }) => d.webhookId)).toEqual([
        second.crm.id,
      ]);
    });

    it.each([
      ['a space', 'bad%20id'],
      ['a non-ASCII letter', '%C3%A9vt'],
      ['a semicolon', 'a;b'],
      ['256 characters', 'a'.repeat(256)],
    ])('answers 400 for an event id with %s', async (_, eventId) => {
      const res = await pipeline.t.as(randomUUID()).get(`${EVENTS}/${eventId}`).expect(400);
      expect(res.body).toEqual({ statusCode: 400, error: 'Bad Request', message: EVENT_ID_RULE });
    });

    it('accepts an event id of 255 characters', async () => {
      await pipeline.t
        .as(randomUUID())
        .get(`${EVENTS}/${'a'.repeat(255)}`)
        .expect(404);
    });
  });

  describe('GET /webhook-events', () => {
    /** Two live events (newest last) and two inserted a day and two days ago, all to CRM. */
    async function history() {
      const setup = await tenantWithTwoEndpoints();
      const [twoDays] = await insertDeliveryRows(pipeline.t.dataSource, {
        tenantId: setup.tenantId,
        webhookId: setup.crm.id,
        eventType: 'message.sent',
        status: 'success',
        age: '2 days',
      });
      const [oneDay] = await insertDeliveryRows(pipeline.t.dataSource, {
        tenantId: setup.tenantId,
        webhookId: setup.crm.id,
        eventType: 'campaign.started',
        status: 'failed',
        age: '1 day',
      });
      const fanned = await setup.trigger('message.sent');
      const single = await setup.trigger('campaign.started');
      await setup.delivered();
      // Another tenant's event never shows.
      const other = await tenantWithTwoEndpoints();
      await other.trigger('message.sent');
      return { ...setup, fanned, single, oneDay: oneDay.eventId, twoDays: twoDays.eventId };
    }

    const summary = (page: EventPage) =>
      page.data.map(({ eventId, eventType, deliveries }) => ({ eventId, eventType, deliveries }));

    it('lists the tenant events newest first, with their delivery counts and pages', async () => {
      const { tenantId, tenant, fanned, single, oneDay, twoDays, crm } = await history();
      const all = (await tenant.get(EVENTS).expect(200)).body as EventPage;
      expect(summary(all)).toEqual([
        { eventId: single, eventType: 'campaign.started', deliveries: 1 },
        { eventId: fanned, eventType: 'message.sent', deliveries: 2 },
        { eventId: oneDay, eventType: 'campaign.started', deliveries: 1 },
        { eventId: twoDays, eventType: 'message.sent', deliveries: 1 },
      ]);
      expect(all.meta).toEqual({ page: 1, limit: 20, total: 4 });
      const createdAt = all.data.map((event) => Date.parse(event.createdAt));
      expect([...createdAt].sort((a, b) => b - a)).toEqual(createdAt);
      const logs = (await pipeline.finalLogs(tenantId, crm.id)).data;
      expect(all.data[0].createdAt).toBe(logOf(logs, single).createdAt);

      const second = (await tenant.get(`${EVENTS}?limit=2&page=2`).expect(200)).body as EventPage;
      expect(second.data.map((event) => event.eventId)).toEqual([oneDay, twoDays]);
      expect(second.meta).toEqual({ page: 2, limit: 2, total: 4 });
      const past = (await tenant.get(`${EVENTS}?limit=2&page=3`).expect(200)).body as EventPage;
      expect(past).toEqual({ data: [], meta: { page: 3, limit: 2, total: 4 } });
    });

    it('filters by event type and by creation time', async () => {
      const { tenant, single, oneDay } = await history();
      const campaigns = (await tenant.get(`${EVENTS}?eventType=campaign.started`).expect(200))
        .body as EventPage;
      expect(campaigns.data.map((event) => event.eventId)).toEqual([single, oneDay]);
      expect(campaigns.meta.total).toBe(2);

      const from = new Date(Date.now() - 36 * 3_600_000).toISOString();
      const to = new Date(Date.now() - 12 * 3_600_000).toISOString();
      const window = (await tenant.get(`${EVENTS}?from=${from}&to=${to}`).expect(200))
        .body as EventPage;
      expect(window.data.map((event) => event.eventId)).toEqual([oneDay]);
      expect(window.meta.total).toBe(1);
      const none = (await tenant.get(`${EVENTS}?eventType=message.sent&from=${from}&to=${to}`))
        .body as EventPage;
      expect(none).toEqual({ data: [], meta: { page: 1, limit: 20, total: 0 } });
    });

    it('shows another tenant nothing', async () => {
      await history();
      const page = (await pipeline.t.as(randomUUID()).get(EVENTS).expect(200)).body as EventPage;
      expect(page).toEqual({ data: [], meta: { page: 1, limit: 20, total: 0 } });
    });

    it.each([
      ['limit=101', 'limit must not be greater than 100'],
      ['limit=0', 'limit must not be less than 1'],
      ['page=0', 'page must not be less than 1'],
      ['from=yesterday', 'from must be an ISO 8601 date'],
      ['to=1969-12-31T00:00:00Z', 'to must not be before 1970-01-01T00:00:00.000Z'],
      [`eventType=${'x'.repeat(101)}`, 'eventType must be shorter than or equal to 100 characters'],
      ['webhookId=1', 'property webhookId should not exist'],
    ])('answers 400 for %s', async (query, message) => {
      const res = await pipeline.t.as(randomUUID()).get(`${EVENTS}?${query}`).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toContain(message);
    });
  });

  it('lists the history and time series routes with their response types in the OpenAPI document', async () => {
    const doc = (await request(pipeline.t.app.getHttpServer()).get('/api/docs-json').expect(200))
      .body as {
      paths: Record<string, { get?: { responses: Record<string, { content?: unknown }> } }>;
    };
    const okSchema = (path: string) =>
      (doc.paths[path]?.get?.responses['200']?.content as Record<string, { schema: unknown }>)?.[
        'application/json'
      ]?.schema;
    expect({
      list: okSchema('/api/v1/webhook-events'),
      detail: okSchema('/api/v1/webhook-events/{eventId}'),
      timeseries: okSchema('/api/v1/webhooks/{id}/stats/timeseries'),
    }).toEqual({
      list: { $ref: '#/components/schemas/EventPageResponse' },
      detail: { $ref: '#/components/schemas/EventDetailResponse' },
      timeseries: { $ref: '#/components/schemas/TimeseriesResponse' },
    });
  });

  describe('the history index', () => {
    it('is on every day partition of webhook_events, and on a day created later', async () => {
      const db = pipeline.t.dataSource;
      const day = startOfDay(Date.now()) + 120 * DAY_MS;
      const names = PARTITIONED_TABLES.map((table) => dayPartitionName(table, day));
      const drop = () => db.query(`DROP TABLE IF EXISTS ${names.join(', ')}`);
      await drop();
      try {
        expect(await new DayPartitions(db).ensureDays(day, day)).toBe(2);
        expect(await partitionsWithoutIndex(db)).toEqual([]);
        const [created] = await db.query(
          `SELECT indexdef FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%(tenant_id, created_at DESC, event_id)'`,
          [dayPartitionName('webhook_events', day)],
        );
        expect(created.indexdef).toContain('CREATE INDEX');
      } finally {
        await drop();
      }
    });
  });
});

describe('EventHistoryIndex migration (e2e)', () => {
  jest.setTimeout(60_000);
  const database = `${process.env.TEST_DATABASE_NAME}_event_history_index`;
  const url = withDatabase(BASE_DATABASE_URL, database);
  const time = (migration: MigrationClass) =>
    Number(/\d{13}$/.exec(new migration().name ?? '')![0]);
  const through = [...MIGRATIONS]
    .sort((a, b) => time(a) - time(b))
    .filter((migration) => time(migration) <= time(EventHistoryIndex1764000500000));
  let db: DataSource | undefined;

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE "${database}"`);
    db = await migrationDataSource(url, through);
  });
  afterAll(async () => {
    if (db?.isInitialized) await db.destroy();
    await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  it('indexes every partition on up and drops the index on down', async () => {
    const source = db!;
    await source.runMigrations();
    const partitions = await partitionCount(source);
    expect(partitions).toBeGreaterThanOrEqual(8);
    expect(await partitionsWithoutIndex(source)).toEqual([]);

    await source.undoLastMigration();
    const [{ n }] = await source.query(
      `SELECT count(*)::int AS n FROM pg_class WHERE relname = $1`,
      [INDEX],
    );
    expect(n).toBe(0);
    expect(await partitionsWithoutIndex(source)).toHaveLength(partitions);
  });
});
