import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import type { TestApp } from './helpers/test-app';
import { createTestApp } from './helpers/test-app';

const UNREACHABLE_REDIS = 'redis://127.0.0.1:1';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls until the URL answers at all (any status), or fails after `timeoutMs`. */
async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${url} did not answer: ${String(error)}`);
      await sleep(250);
    }
  }
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
  };
}

describe('Operations (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('GET /health answers 200 without auth when Postgres and Redis are up', async () => {
    const res = await request(t.app.getHttpServer()).get('/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, redis: { status: 'up' } },
    });
  });

  it('GET /api/docs serves the Swagger UI without auth', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/docs').redirects(1).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text.toLowerCase()).toContain('swagger');
  });

  it('GET /api/docs-json serves the OpenAPI document of the webhook routes', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/docs-json').expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const doc = res.body as OpenApiDocument;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths['/api/v1/webhooks'])).toEqual(
      expect.arrayContaining(['post', 'get']),
    );
    expect(Object.keys(doc.paths['/api/v1/webhooks/{id}'])).toEqual(
      expect.arrayContaining(['get', 'patch', 'put', 'delete']),
    );
    expect(doc.paths['/api/v1/webhooks/events']).toHaveProperty('get');
    expect(doc.paths['/api/v1/webhooks/{id}/secret']).toHaveProperty('get');
    expect(doc.paths['/api/v1/webhooks/{id}/rotate-secret']).toHaveProperty('post');

    const { schemas } = doc.components;
    const fields = (schema: string) => Object.keys(schemas[schema]?.properties ?? {});
    const createFields = ['name', 'url', 'events', 'retryPolicy', 'timeoutMs'];
    expect(fields('CreateWebhookDto')).toEqual(expect.arrayContaining(createFields));
    expect(schemas.CreateWebhookDto.required).toEqual(['name', 'url', 'events']);
    expect(schemas.CreateWebhookDto.properties?.retryPolicy).toEqual({
      $ref: '#/components/schemas/RetryPolicyDto',
    });
    // An update takes any create field, none of them required, and isActive.
    expect(fields('UpdateWebhookDto')).toEqual(
      expect.arrayContaining([...createFields, 'isActive']),
    );
    expect(schemas.UpdateWebhookDto.required ?? []).toEqual([]);
    expect(fields('RetryPolicyDto')).toEqual([
      'maxAttempts',
      'backoff',
      'initialDelayMs',
      'maxDelayMs',
    ]);
  });

  describe('with Redis unreachable', () => {
    /**
     * A second app whose Redis is unreachable. ConfigModule reads the environment when
     * AppModule is imported, so a fresh copy of every module is imported with REDIS_URL changed.
     * Everything, requests included, runs inside isolateModulesAsync: libraries such as
     * @nestjs/terminus require packages lazily (on the first health check), and outside the
     * callback they would get the main registry's copy of @nestjs/typeorm, whose DataSource
     * token is another class ("Connection provider not found in application context").
     *
     * The process runs the API only (WORKER_ENABLED=false): with the BullMQ worker in the
     * process, app.close() never returns while Redis is unreachable (see the SIGTERM test below).
     */
    async function withRedisDownApp(body: (down: TestApp) => Promise<void>): Promise<void> {
      const saved = {
        REDIS_URL: process.env.REDIS_URL,
        WORKER_ENABLED: process.env.WORKER_ENABLED,
      };
      Object.assign(process.env, { REDIS_URL: UNREACHABLE_REDIS, WORKER_ENABLED: 'false' });
      try {
        await jest.isolateModulesAsync(async () => {
          const { createTestApp: createIsolated } = await import('./helpers/test-app');
          const down = await createIsolated();
          try {
            await body(down);
          } finally {
            await down.close();
          }
        });
      } finally {
        for (const [name, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      }
    }

    it('GET /health answers 503 naming redis, with the database still up', async () => {
      await withRedisDownApp(async (down) => {
        const started = Date.now();
        const res = await request(down.app.getHttpServer()).get('/health');
        expect(Date.now() - started).toBeLessThan(5000);
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({
          status: 'error',
          message: 'redis is down',
          info: { database: { status: 'up' } },
          error: { redis: { status: 'down', message: expect.any(String) } },
        });
        expect(res.body.error).not.toHaveProperty('database');
      });
    });

    it('leaves the app whose Redis is up healthy', async () => {
      await request(t.app.getHttpServer()).get('/health').expect(200);
    });

    it('the full service (API and worker) exits promptly on SIGTERM', async () => {
      const port = await freePort();
      const child = spawn(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', 'src/main.ts'],
        {
          cwd: join(__dirname, '..'),
          env: {
            ...process.env,
            REDIS_URL: UNREACHABLE_REDIS,
            PORT: String(port),
            WORKER_ENABLED: 'true',
          },
          stdio: 'ignore',
        },
      );
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        await waitForHealth(`http://127.0.0.1:${port}/health`, 30_000);
        child.kill('SIGTERM');
        const sigtermAt = Date.now();
        const giveUp = new AbortController();
        const outcome = await Promise.race([
          exited.then(() => 'exited'),
          sleep(10_000, 'still running 10 s after SIGTERM', { signal: giveUp.signal }),
        ]);
        giveUp.abort();
        expect(outcome).toBe('exited');
        expect(Date.now() - sigtermAt).toBeLessThan(10_000);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      }
    }, 60_000);
  });
});
