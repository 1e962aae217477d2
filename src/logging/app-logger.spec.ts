import { IncomingMessage, ServerResponse } from 'node:http';
import { assignRequestId, createAppLogger, httpLoggerOptions } from './app-logger';
import { requestIdFor } from './request-id';

/** A pino destination that keeps every line. */
function capture() {
  const lines: string[] = [];
  return {
    lines,
    write: (line: string) => void lines.push(line),
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('requestIdFor', () => {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const idOf = (value?: string | string[]) =>
    requestIdFor({ headers: value === undefined ? {} : { 'x-request-id': value } });

  it.each([
    'abc-123',
    'a',
    '0f8fad5b-d9cb-469f-a165-70867728950e',
    'svc.web:42_x',
    'x'.repeat(128),
  ])('keeps the sane token %j', (value) => expect(idOf(value)).toBe(value));

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['longer than 128 characters', 'x'.repeat(129)],
    ['with a space', 'abc 123'],
    ['with a newline', 'abc\n{"level":"fatal"}'],
    ['with quotes', 'a"b'],
    ['non-ASCII', 'àbc'],
    ['sent twice', ['a', 'b']],
  ])('replaces an id that is %s with a fresh UUID', (_, value) => {
    const id = idOf(value);
    expect(id).toMatch(uuid);
    expect(idOf(value)).not.toBe(id);
  });
});

describe('createAppLogger', () => {
  it('writes JSON lines with the level name and an ISO time', () => {
    const out = capture();
    createAppLogger('info', out).info({ context: 'Test' }, 'hello');
    expect(out.records()).toEqual([
      expect.objectContaining({
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        context: 'Test',
        msg: 'hello',
      }),
    ]);
  });

  it('honours the level, silent included', () => {
    const out = capture();
    createAppLogger('warn', out).info('dropped');
    createAppLogger('warn', out).warn('kept');
    createAppLogger('silent', out).fatal('dropped too');
    expect(out.records().map((record) => record.msg)).toEqual(['kept']);
  });

  it('redacts credentials, secrets and signatures wherever they are logged', () => {
    const out = capture();
    const logger = createAppLogger('info', out);
    const secret = 'whsec_c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1uZXZlci1sZWFr';
    const previous = 'whsec_cHJldmlvdXMtc2VjcmV0LXRoYXQtbXVzdC1ub3QtbGVhaw==';
    logger.info({
      req: {
        id: 'r1',
        headers: {
          authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig',
          cookie: 'session=s3cr3t-cookie',
          'webhook-signature': 'v1,c2lnbmF0dXJlLW9uZQ==',
          'x-webhook-signature': 'sha256=deadbeefcafe',
          accept: 'application/json',
        },
      },
      res: { headers: { 'set-cookie': 'session=s3cr3t-cookie' } },
      secret,
      previousSecret: previous,
      webhook: { id: 'w1', secret, previousSecret: previous },
      delivery: { attempt: { secret }, secrets: [secret, previous] },
      headers: { 'webhook-signature': 'v1,c2lnbmF0dXJlLW9uZQ==' },
      request: { headers: { 'x-webhook-signature': 'sha256=deadbeefcafe' } },
    });
    const line = out.lines.join('');
    for (const leak of [
      secret,
      previous,
      'eyJhbGciOiJIUzI1NiJ9',
      's3cr3t-cookie',
      'c2lnbmF0dXJlLW9uZQ==',
      'deadbeefcafe',
    ]) {
      expect(line).not.toContain(leak);
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checked field by field
    const [record] = out.records() as Array<Record<string, any>>;
    expect(record.req.headers).toEqual({
      authorization: '[Redacted]',
      cookie: '[Redacted]',
      'webhook-signature': '[Redacted]',
      'x-webhook-signature': '[Redacted]',
      accept: 'application/json',
    });
    expect(record.req.id).toBe('r1');
    expect(record.webhook).toEqual({
      id: 'w1',
      secret: '[Redacted]',
      previousSecret: '[Redacted]',
    });
  });
});

describe('assignRequestId', () => {
  it('keeps an id given earlier and echoes it', () => {
    const headers: Record<string, string> = {};
    const req = { headers: {}, id: 'given' } as unknown as IncomingMessage;
    const res = {
      headersSent: false,
      setHeader: (name: string, value: string) => (headers[name] = value),
    } as unknown as ServerResponse;
    expect(assignRequestId(req, res)).toBe('given');
    expect(headers).toEqual({ 'x-request-id': 'given' });
  });
});

describe('httpLoggerOptions', () => {
  const options = httpLoggerOptions(createAppLogger('silent', capture()));
  const req = (url: string) => ({ url, headers: {} }) as IncomingMessage;
  const res = (statusCode: number) => ({ statusCode }) as ServerResponse;

  it.each([
    ['/api/v1/webhooks', 200, 'info'],
    ['/api/v1/webhooks', 404, 'info'],
    ['/api/v1/webhooks', 500, 'error'],
    ['/health', 200, 'silent'],
    ['/metrics?x=1', 200, 'silent'],
    ['/health', 503, 'warn'],
  ] as const)('logs %s answered %i at %s', (url, status, level) => {
    expect(options.customLogLevel?.(req(url), res(status))).toBe(level);
  });

  it('logs a request that failed with an error at error, probes included', () => {
    expect(options.customLogLevel?.(req('/metrics'), res(500), new Error('boom'))).toBe('error');
  });

  it('drops the Error pino-http makes up for a bare 5xx, keeps a real one', () => {
    const made = new Error('failed with status code 503');
    expect(options.customErrorObject?.(req('/x'), res(503), made, { err: made })).toEqual({
      err: undefined,
    });
    const real = new Error('connection reset');
    expect(options.customErrorObject?.(req('/x'), res(500), real, { err: real })).toEqual({
      err: real,
    });
  });
});
