import request from 'supertest';
import { createTestApp, TestApp } from './helpers/test-app';

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  example?: unknown;
  examples?: unknown;
  schema?: { example?: unknown; examples?: unknown; default?: unknown };
}
type Document = { paths: Record<string, Record<string, { parameters?: Parameter[] }>> };

/**
 * Defaults Swagger UI may pre-fill in "Try it out": each is what the server uses when the
 * parameter is absent, so it changes nothing. Anything else pre-filled would filter silently.
 */
const SERVER_DEFAULTS: Record<string, unknown> = { page: 1, limit: 20, period: '24h' };

describe('OpenAPI query parameters (e2e)', () => {
  let t: TestApp;
  let optional: Array<{ route: string; parameter: Parameter }>;

  beforeAll(async () => {
    t = await createTestApp();
    const doc = (await request(t.app.getHttpServer()).get('/api/docs-json').expect(200))
      .body as Document;
    optional = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) =>
        (operation.parameters ?? [])
          .filter((parameter) => parameter.in === 'query' && !parameter.required)
          .map((parameter) => ({ route: `${method.toUpperCase()} ${path}`, parameter })),
      ),
    );
  });
  afterAll(() => t.close());

  it('covers the filters of the list routes', () => {
    const names = (route: string) =>
      optional.filter((q) => q.route === route).map((q) => q.parameter.name);
    expect(names('GET /api/v1/webhooks')).toEqual(
      expect.arrayContaining(['page', 'limit', 'isActive', 'event']),
    );
    expect(names('GET /api/v1/webhooks/{id}/logs')).toEqual(
      expect.arrayContaining(['status', 'eventType', 'from', 'to']),
    );
  });

  it('pre-fills no optional parameter with an example', () => {
    const examples = optional.filter(
      ({ parameter: p }) =>
        p.example !== undefined ||
        p.examples !== undefined ||
        p.schema?.example !== undefined ||
        p.schema?.examples !== undefined,
    );
    expect(examples.map(({ route, parameter }) => `${route} ?${parameter.name}`)).toEqual([]);
  });

  it('gives a default only where it is what the server does without the parameter', () => {
    for (const { route, parameter } of optional) {
      if (parameter.schema?.default === undefined) continue;
      expect({ route, name: parameter.name, default: parameter.schema.default }).toEqual({
        route,
        name: parameter.name,
        default: SERVER_DEFAULTS[parameter.name],
      });
    }
  });
});
