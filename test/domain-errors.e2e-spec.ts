import { Body, Controller, INestApplication, Module, Post, UseGuards } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { setupApp } from '../src/app.setup';
import { JwtAuthGuard } from '../src/common/auth/jwt-auth.guard';
import { TenantId } from '../src/common/auth/tenant.decorator';
import { WebhooksService } from '../src/modules/webhooks';
import { webhookBody } from './helpers/test-app';

/**
 * A host module's producer route, as docs/integration.md describes them: it puts what its
 * caller sent into an event, which may make an event too large to deliver.
 */
@UseGuards(JwtAuthGuard)
@Controller('api/v1/contacts')
class ContactsController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  async update(@TenantId() tenantId: string, @Body('notes') notes: string) {
    return this.webhooks.triggerEvent(tenantId, 'contact.updated', { contact: { notes } });
  }
}

// WebhooksModule.forRoot is global: a producer module injects WebhooksService without importing it.
@Module({ controllers: [ContactsController] })
class ContactsModule {}

describe('Domain errors over HTTP (e2e)', () => {
  let app: INestApplication;
  let auth: (tenantId: string) => string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule, ContactsModule],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
    setupApp(app);
    await app.init();
    const jwt = app.get(JwtService);
    auth = (tenantId) => `Bearer ${jwt.sign({ sub: 'test-user', tenantId, roles: [] })}`;
  });
  afterAll(() => app.close());

  const deliveries = async (tenantId: string): Promise<number> =>
    (
      await app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM webhook_logs WHERE tenant_id = $1`, [tenantId])
    )[0].n;

  it("answers an event too large to deliver 400 on a host module's route, writing nothing", async () => {
    const tenantId = randomUUID();
    await request(app.getHttpServer())
      .post('/api/v1/webhooks')
      .set('Authorization', auth(tenantId))
      .send(webhookBody({ events: ['contact.*'] }))
      .expect(201);

    const res = await request(app.getHttpServer())
      .post('/api/v1/contacts')
      .set('Authorization', auth(tenantId))
      .send({ notes: 'x'.repeat(300 * 1024) });

    expect({ status: res.status, body: res.body }).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message: [
          expect.stringMatching(/^Webhook event payload is \d+ bytes; the limit is 262144$/),
        ],
      },
    });
    expect(await deliveries(tenantId)).toBe(0);

    // The same route with a deliverable event fans out as usual.
    const ok = await request(app.getHttpServer())
      .post('/api/v1/contacts')
      .set('Authorization', auth(tenantId))
      .send({ notes: 'short' })
      .expect(201);
    expect(ok.body).toEqual({ eventId: expect.any(String), deliveries: 1 });
    expect(await deliveries(tenantId)).toBe(1);
  });
});
