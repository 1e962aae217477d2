import { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Test } from '@nestjs/testing';
import { Logger as PinoLogger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { setupApp } from '../../src/app.setup';
import { LOG_OUTPUT, LogOutput } from '../../src/logging/logging.module';
import { appLogSink } from '../setup/app-log-sink';

export interface TestApp {
  app: INestApplication;
  dataSource: DataSource;
  /** A bearer token for a tenant (a fresh one when omitted). */
  token(tenantId?: string, options?: { admin?: boolean }): string;
  /** A supertest agent authenticated as the tenant. */
  as(tenantId: string, options?: { admin?: boolean }): TenantClient;
  close(): Promise<void>;
}

export interface TenantClient {
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  patch(path: string, body?: object): request.Test;
  put(path: string, body?: object): request.Test;
  delete(path: string): request.Test;
}

export interface ProviderOverride {
  provide: unknown;
  useValue: unknown;
}

/**
 * Boots the real AppModule (real Postgres and Redis) exactly as main.ts does. `overrides`
 * replace providers that stand for the outside world (name resolution), never our own logic.
 * Its logs, Nest's included, go to the test environment's sink (printed if the test fails);
 * a spec that reads them overrides LOG_OUTPUT itself.
 */
export async function createTestApp(overrides: ProviderOverride[] = []): Promise<TestApp> {
  const sink = appLogSink();
  const logs: ProviderOverride[] = sink
    ? [{ provide: LOG_OUTPUT, useValue: { destination: sink } satisfies LogOutput }]
    : [];
  let builder = Test.createTestingModule({ imports: [AppModule] });
  for (const { provide, useValue } of [...logs, ...overrides])
    builder = builder.overrideProvider(provide).useValue(useValue);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  setupApp(app);
  await app.init();
  const jwt = app.get(JwtService);
  const token = (tenantId: string = randomUUID(), options: { admin?: boolean } = {}) =>
    jwt.sign({ sub: 'test-user', tenantId, roles: options.admin ? ['admin'] : [] });
  const server = app.getHttpServer();
  return {
    app,
    dataSource: app.get(DataSource),
    token,
    as(tenantId, options) {
      const auth = `Bearer ${token(tenantId, options)}`;
      return {
        get: (path) => request(server).get(path).set('Authorization', auth),
        post: (path, body) => request(server).post(path).set('Authorization', auth).send(body),
        patch: (path, body) => request(server).patch(path).set('Authorization', auth).send(body),
        put: (path, body) => request(server).put(path).set('Authorization', auth).send(body),
        delete: (path) => request(server).delete(path).set('Authorization', auth),
      };
    },
    close: () => app.close(),
  };
}

/** A valid create body; override what the test is about. */
export function webhookBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'CRM sync',
    url: 'https://example.com/hooks',
    events: ['message.sent', 'campaign.*'],
    ...overrides,
  };
}
