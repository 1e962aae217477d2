import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { MessagesService } from '../src/modules/messages/messages.service';
import { TestReceiver } from './helpers/receiver';
import { createTestApp, TestApp, webhookBody } from './helpers/test-app';
import { waitUntilSettled } from './helpers/waiting';

const MESSAGES = '/api/v1/messages';
const CAMPAIGNS = '/api/v1/campaigns';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const recipients = ['+14155550101', '+14155550102', '+14155550103'];

interface Envelope {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, Record<string, unknown>>;
}

describe('Example producers: messages and campaigns (e2e)', () => {
  let t: TestApp;
  let receiver: TestReceiver;

  beforeAll(async () => {
    t = await createTestApp();
    receiver = await TestReceiver.start();
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  /** Registers a webhook for the tenant and returns the receiver path it delivers to. */
  async function subscribe(tenantId: string, events: string[]): Promise<string> {
    const path = `/producers-${randomUUID()}`;
    await t
      .as(tenantId)
      .post('/api/v1/webhooks', webhookBody({ url: receiver.url(path), events }))
      .expect(201);
    return path;
  }

  const envelopes = (path: string): Envelope[] =>
    receiver.received(path).map((r) => JSON.parse(r.body) as Envelope);

  async function rows(table: 'messages' | 'campaigns' | 'webhook_logs', tenantId: string) {
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`,
      [tenantId],
    );
    return n as number;
  }

  /**
   * Waits until the tenant's webhooks have nothing left to send (rows final, no live job), so
   * what the receiver got is all it will ever get. Events are written in the producer's
   * transaction: once its request answered, the rows counted are final too.
   */
  async function settle(tenantId: string): Promise<void> {
    const webhooks: Array<{ id: string }> = await t.dataSource.query(
      `SELECT id FROM webhooks WHERE tenant_id = $1`,
      [tenantId],
    );
    await waitUntilSettled(
      t,
      webhooks.map((w) => w.id),
    );
  }

  describe('messages', () => {
    it('POST → 201 and a message.sent event whose data.message equals the response', async () => {
      const tenantId = randomUUID();
      const path = await subscribe(tenantId, ['message.*']);
      const res = await t
        .as(tenantId)
        .post(MESSAGES, { to: '+15550123456', body: 'Your order has shipped.' })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        to: '+15550123456',
        body: 'Your order has shipped.',
        status: 'sent',
        createdAt: expect.stringMatching(ISO),
      });

      await receiver.waitFor(1, path);
      const [event] = envelopes(path);
      expect(event).toMatchObject({ id: `message.sent:${res.body.id}`, type: 'message.sent' });
      expect(event.data).toEqual({ message: res.body });
      expect(await rows('messages', tenantId)).toBe(1);
    });

    it('PATCH status → 200 and message.delivered, message.read, message.failed', async () => {
      const tenantId = randomUUID();
      const path = await subscribe(tenantId, ['message.*']);
      const client = t.as(tenantId);
      const sent = (await client.post(MESSAGES, { to: 'a', body: 'b' }).expect(201)).body;
      await receiver.waitFor(1, path);

      for (const [i, status] of ['delivered', 'read', 'failed'].entries()) {
        const res = await client.patch(`${MESSAGES}/${sent.id}/status`, { status }).expect(200);
        expect(res.body).toEqual({ ...sent, status });
        await receiver.waitFor(i + 2, path);
        const event = envelopes(path)[i + 1];
        expect(event.type).toBe(`message.${status}`);
        expect(event.data).toEqual({ message: res.body });
      }

      // Reporting the current status again (a client retry) changes and announces nothing.
      await client.patch(`${MESSAGES}/${sent.id}/status`, { status: 'failed' }).expect(200);
      expect(await rows('webhook_logs', tenantId)).toBe(4);
      await settle(tenantId);
      expect(receiver.received(path)).toHaveLength(4);
    });

    it('refuses bad bodies and ids with 400 and writes nothing', async () => {
      const tenantId = randomUUID();
      const client = t.as(tenantId);
      const badBodies: object[] = [
        { body: 'no recipient' },
        { to: 'a' },
        { to: '', body: 'x' },
        { to: 'a', body: '' },
        { to: 'x'.repeat(256), body: 'x' },
        { to: 'a', body: 'x'.repeat(4097) },
        { to: 42, body: 'x' },
        { to: 'a', body: 'nul \u0000 byte' },
        { to: 'a', body: 'x', status: 'read' },
      ];
      for (const body of badBodies) {
        const res = await client.post(MESSAGES, body).expect(400);
        expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      }
      expect(await rows('messages', tenantId)).toBe(0);

      const { id } = (await client.post(MESSAGES, { to: 'a', body: 'b' }).expect(201)).body;
      for (const body of [{ status: 'sent' }, { status: 'bogus' }, {}, { status: 'read', x: 1 }]) {
        await client.patch(`${MESSAGES}/${id}/status`, body).expect(400);
      }
      await client.patch(`${MESSAGES}/not-a-uuid/status`, { status: 'read' }).expect(400);
      const [row] = await t.dataSource.query(`SELECT status FROM messages WHERE id = $1`, [id]);
      expect(row.status).toBe('sent');
    });

    it("answers 404 for another tenant's or an unknown message, 401 without a token", async () => {
      const owner = randomUUID();
      const { id } = (await t.as(owner).post(MESSAGES, { to: 'a', body: 'b' }).expect(201)).body;
      const stranger = randomUUID();
      const path = await subscribe(stranger, ['*']);
      await t.as(stranger).patch(`${MESSAGES}/${id}/status`, { status: 'read' }).expect(404);
      await t
        .as(stranger)
        .patch(`${MESSAGES}/${randomUUID()}/status`, { status: 'read' })
        .expect(404);
      await request(t.app.getHttpServer()).post(MESSAGES).send({ to: 'a', body: 'b' }).expect(401);

      const [row] = await t.dataSource.query(`SELECT status FROM messages WHERE id = $1`, [id]);
      expect(row.status).toBe('sent');
      expect(await rows('webhook_logs', stranger)).toBe(0);
      await settle(stranger);
      expect(receiver.received(path)).toHaveLength(0);
    });
  });

  describe('campaigns', () => {
    it('POST → 201 draft and no event', async () => {
      const tenantId = randomUUID();
      const path = await subscribe(tenantId, ['*']);
      const res = await t
        .as(tenantId)
        .post(CAMPAIGNS, { name: 'Winter Sale', recipients })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        name: 'Winter Sale',
        status: 'draft',
        recipients,
        createdAt: expect.stringMatching(ISO),
        startedAt: null,
        completedAt: null,
      });
      expect(await rows('webhook_logs', tenantId)).toBe(0);
      await settle(tenantId);
      expect(receiver.received(path)).toHaveLength(0);
    });

    it('start → 202 with campaign.started, one message.sent per recipient, campaign.completed; again → 409', async () => {
      const tenantId = randomUUID();
      const all = await subscribe(tenantId, ['*']);
      const campaignsOnly = await subscribe(tenantId, ['campaign.*']);
      const client = t.as(tenantId);
      const draft = (await client.post(CAMPAIGNS, { name: 'Winter Sale', recipients }).expect(201))
        .body;

      const res = await client.post(`${CAMPAIGNS}/${draft.id}/start`).expect(202);
      expect(res.body).toEqual({
        ...draft,
        status: 'completed',
        startedAt: expect.stringMatching(ISO),
        completedAt: expect.stringMatching(ISO),
      });

      await receiver.waitFor(recipients.length + 2, all);
      await receiver.waitFor(2, campaignsOnly);
      const events = envelopes(all).sort((a, b) => a.timestamp.localeCompare(b.timestamp));
      const byType = (type: string) => events.filter((e) => e.type === type);
      expect(byType('campaign.started')).toHaveLength(1);
      expect(byType('campaign.completed')).toHaveLength(1);
      expect(byType('message.sent')).toHaveLength(recipients.length);
      expect(events[0].type).toBe('campaign.started');
      expect(events[events.length - 1].type).toBe('campaign.completed');

      const [started] = byType('campaign.started');
      expect(started.id).toBe(`campaign.started:${draft.id}`);
      expect(started.data.campaign).toEqual({
        ...res.body,
        status: 'running',
        completedAt: null,
      });
      const [completed] = byType('campaign.completed');
      expect(completed.id).toBe(`campaign.completed:${draft.id}`);
      expect(completed.data).toEqual({ campaign: res.body });
      const sent = byType('message.sent').map((e) => e.data.message);
      expect(sent.map((m) => m.to).sort()).toEqual(recipients);
      expect(sent.every((m) => m.body === 'Winter Sale' && m.status === 'sent')).toBe(true);
      expect(await rows('messages', tenantId)).toBe(recipients.length);

      expect(
        envelopes(campaignsOnly)
          .map((e) => e.type)
          .sort(),
      ).toEqual(['campaign.completed', 'campaign.started']);

      const again = await client.post(`${CAMPAIGNS}/${draft.id}/start`).expect(409);
      expect(again.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      expect(await rows('webhook_logs', tenantId)).toBe(recipients.length + 4);
      expect(await rows('messages', tenantId)).toBe(recipients.length);
      await settle(tenantId);
      expect(receiver.received(all)).toHaveLength(recipients.length + 2);
      expect(receiver.received(campaignsOnly)).toHaveLength(2);
    });

    it('lets exactly one of two concurrent starts through', async () => {
      const tenantId = randomUUID();
      const client = t.as(tenantId);
      const { id } = (await client.post(CAMPAIGNS, { name: 'Race', recipients }).expect(201)).body;
      const results = await Promise.all([
        client.post(`${CAMPAIGNS}/${id}/start`),
        client.post(`${CAMPAIGNS}/${id}/start`),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([202, 409]);
      expect(await rows('messages', tenantId)).toBe(recipients.length);
    });

    it('refuses bad bodies and ids with 400, and hides other tenants behind 404', async () => {
      const tenantId = randomUUID();
      const client = t.as(tenantId);
      const badBodies: object[] = [
        { recipients },
        { name: '', recipients },
        { name: 'x'.repeat(256), recipients },
        { name: 'n' },
        { name: 'n', recipients: [] },
        { name: 'n', recipients: 'not-a-list' },
        { name: 'n', recipients: [''] },
        { name: 'n', recipients: [7] },
        { name: 'n', recipients: ['x'.repeat(256)] },
        { name: 'n', recipients: Array.from({ length: 1001 }, (_, i) => `r${i}`) },
        { name: 'n', recipients, extra: true },
      ];
      for (const body of badBodies) await client.post(CAMPAIGNS, body).expect(400);
      // Within the per-item limits, but too large to carry in a campaign.* event.
      const huge = Array.from({ length: 1000 }, () => 'é'.repeat(255));
      const res = await client.post(CAMPAIGNS, { name: 'n', recipients: huge }).expect(400);
      expect(res.body.message).toEqual([expect.stringMatching(/recipients take \d+ bytes/)]);
      expect(await rows('campaigns', tenantId)).toBe(0);

      await client.post(`${CAMPAIGNS}/not-a-uuid/start`).expect(400);
      await client.post(`${CAMPAIGNS}/${randomUUID()}/start`).expect(404);
      const { id } = (await client.post(CAMPAIGNS, { name: 'Mine', recipients }).expect(201)).body;
      await t.as(randomUUID()).post(`${CAMPAIGNS}/${id}/start`).expect(404);
      const [row] = await t.dataSource.query(`SELECT status FROM campaigns WHERE id = $1`, [id]);
      expect(row.status).toBe('draft');
    });

    it('starts the largest accepted campaign within the event size limit', async () => {
      const tenantId = randomUUID();
      const path = await subscribe(tenantId, ['campaign.*']);
      const big = Array.from({ length: 1000 }, (_, i) => `${i}`.padStart(255, 'x'));
      const client = t.as(tenantId);
      const { id } = (await client.post(CAMPAIGNS, { name: 'Big', recipients: big }).expect(201))
        .body;
      await client.post(`${CAMPAIGNS}/${id}/start`).expect(202);
      await receiver.waitFor(2, path);
      expect(
        envelopes(path).every((e) => (e.data.campaign.recipients as string[]).length === 1000),
      ).toBe(true);
      expect(await rows('messages', tenantId)).toBe(1000);
    });
  });

  it('documents the producer routes in the OpenAPI document', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        MESSAGES,
        `${MESSAGES}/{id}/status`,
        CAMPAIGNS,
        `${CAMPAIGNS}/{id}/start`,
      ]),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['MessageResponse', 'CampaignResponse', 'CreateCampaignDto']),
    );
    expect(doc.paths[`${CAMPAIGNS}/{id}/start`].post.responses).toHaveProperty('202');
  });

  describe('transactions', () => {
    it('writes no event when the transaction around messagesService.send rolls back', async () => {
      const tenantId = randomUUID();
      const path = await subscribe(tenantId, ['*']);
      const messages = t.app.get(MessagesService);
      await expect(
        t.dataSource.transaction(async (manager) => {
          await messages.send(tenantId, { to: 'a', body: 'rolled back' }, manager);
          throw new Error('business failure after the event was triggered');
        }),
      ).rejects.toThrow('business failure');

      expect(await rows('messages', tenantId)).toBe(0);
      expect(await rows('webhook_logs', tenantId)).toBe(0);
      // A job queued for the rolled-back event all the same would be found here.
      await settle(tenantId);
      expect(receiver.received(path)).toHaveLength(0);
    });

    it('rolls a campaign back whole when a later message fails to insert, and it can start again', async () => {
      const tenantId = randomUUID();
      const path = await subscribe(tenantId, ['*']);
      const client = t.as(tenantId);
      const { id } = (await client.post(CAMPAIGNS, { name: 'Flaky', recipients }).expect(201)).body;
      // The API refuses such a recipient; written behind its back, it breaks messages.to
      // varchar(255) only after the earlier recipients' message.sent events were triggered.
      await t.dataSource.query(
        `UPDATE campaigns SET recipients = array_append(recipients, repeat('x', 300)) WHERE id = $1`,
        [id],
      );
      const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      await client.post(`${CAMPAIGNS}/${id}/start`).expect(500);
      expect(logged).toHaveBeenCalledWith(expect.stringMatching(/value too long/));
      logged.mockRestore();

      const [row] = await t.dataSource.query(`SELECT status FROM campaigns WHERE id = $1`, [id]);
      expect(row.status).toBe('draft');
      expect(await rows('messages', tenantId)).toBe(0);
      expect(await rows('webhook_logs', tenantId)).toBe(0);
      await settle(tenantId);
      expect(receiver.received(path)).toHaveLength(0);

      await t.dataSource.query(`UPDATE campaigns SET recipients = $2 WHERE id = $1`, [
        id,
        recipients,
      ]);
      await client.post(`${CAMPAIGNS}/${id}/start`).expect(202);
      await receiver.waitFor(recipients.length + 2, path);
      expect(envelopes(path).filter((e) => e.id.startsWith('campaign.'))).toHaveLength(2);
    });
  });
});
