import { randomUUID } from 'node:crypto';
import { createTestApp, TenantClient, TestApp, webhookBody } from './helpers/test-app';

const BASE = '/api/v1/webhooks';

/** The §10 fields on the webhook resource: stored, returned, validated, changed by PATCH. */
describe('Routing settings of a webhook (e2e)', () => {
  let t: TestApp;
  let tenant: TenantClient;
  const countWebhooks = async (tenantId: string) =>
    Number(
      (
        await t.dataSource.query(`SELECT count(*) AS n FROM webhooks WHERE tenant_id = $1`, [
          tenantId,
        ])
      )[0].n,
    );

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  let tenantId: string;
  beforeEach(() => {
    tenantId = randomUUID();
    tenant = t.as(tenantId);
  });

  it('defaults to no filter, unordered, standard and no template', async () => {
    const res = await tenant.post(BASE, webhookBody()).expect(201);
    expect(res.body).toMatchObject({
      filter: null,
      ordering: 'unordered',
      format: 'standard',
      template: null,
    });
    expect(res.body).not.toHaveProperty('fifoSequence');
  });

  it('stores and returns each field as given', async () => {
    const filter = {
      'data.message.to': { $startsWith: '+1' },
      'data.message.status': { $in: ['sent', 'read'] },
    };
    const created = await tenant
      .post(BASE, {
        ...webhookBody(),
        filter,
        ordering: 'fifo',
        format: 'slack',
        template: '[{{type}}] message to {{data.message.to}}',
      })
      .expect(201);
    const fetched = await tenant.get(`${BASE}/${created.body.id}`).expect(200);
    expect(fetched.body).toMatchObject({
      filter,
      ordering: 'fifo',
      format: 'slack',
      template: '[{{type}}] message to {{data.message.to}}',
    });
  });

  it('changes them with PATCH, and null removes the filter and the template', async () => {
    const { body } = await tenant
      .post(BASE, {
        ...webhookBody(),
        format: 'discord',
        template: '{{id}}',
        filter: { type: 'x' },
      })
      .expect(201);
    const changed = await tenant
      .patch(`${BASE}/${body.id}`, { ordering: 'fifo', filter: null, template: null })
      .expect(200);
    expect(changed.body).toMatchObject({
      ordering: 'fifo',
      format: 'discord',
      filter: null,
      template: null,
    });
    const standard = await tenant.patch(`${BASE}/${body.id}`, { format: 'standard' }).expect(200);
    expect(standard.body.format).toBe('standard');
  });

  it.each([
    ['an unknown ordering', { ordering: 'lifo' }, 'ordering must be one of'],
    ['an unknown format', { format: 'teams' }, 'format must be one of'],
    ['a filter that is a list', { filter: [] }, 'filter'],
    [
      'an unknown operator, naming its path',
      { filter: { 'data.message.to': { $like: '+1%' } } },
      'filter.data.message.to.$like',
    ],
    [
      'a long regex, naming its path',
      { filter: { 'data.message.body': { $regex: 'a'.repeat(201) } } },
      'filter.data.message.body.$regex',
    ],
    ['a template with the standard format', { template: '{{id}}' }, 'template is allowed only'],
    ['an unbalanced template', { format: 'slack', template: '[{{type] x' }, 'template'],
    [
      'a template over 2000 characters',
      { format: 'slack', template: 'x'.repeat(2001) },
      'template must be at most 2000',
    ],
  ])('refuses %s with a 400 and writes nothing', async (_, fields, message) => {
    const res = await tenant.post(BASE, { ...webhookBody(), ...fields }).expect(400);
    expect([res.body.message].flat().join('\n')).toContain(message);
    expect(await countWebhooks(tenantId)).toBe(0);
  });

  it('refuses a template on update when the stored format is standard, changing nothing', async () => {
    const { body } = await tenant.post(BASE, webhookBody()).expect(201);
    const res = await tenant.patch(`${BASE}/${body.id}`, { template: '{{id}}' }).expect(400);
    expect([res.body.message].flat().join('\n')).toContain('template is allowed only');
    const fetched = await tenant.get(`${BASE}/${body.id}`).expect(200);
    expect(fetched.body.template).toBeNull();
  });
});
