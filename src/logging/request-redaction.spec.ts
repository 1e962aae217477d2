import {
  redactQuery,
  redactRequestHeaders,
  redactResponseHeaders,
  redactUrl,
} from './request-redaction';

describe('redactUrl', () => {
  it.each([
    ['/api/v1/webhooks', '/api/v1/webhooks'],
    ['/api/v1/webhooks?', '/api/v1/webhooks?'],
    ['/x?page=2&limit=5', '/x?page=2&limit=5'],
    ['/x?access_token=abc&page=2', '/x?access_token=[Redacted]&page=2'],
    ['/x?page=2&token=abc', '/x?page=2&token=[Redacted]'],
    ['/x?jwt=a.b.c', '/x?jwt=[Redacted]'],
    ['/x?API_KEY=abc&apiKey=abc&key=abc', '/x?API_KEY=[Redacted]&apiKey=[Redacted]&key=[Redacted]'],
    ['/x?sig=abc&Signature=abc', '/x?sig=[Redacted]&Signature=[Redacted]'],
    [
      '/x?password=abc&pwd=abc&passphrase=abc',
      '/x?password=[Redacted]&pwd=[Redacted]&passphrase=[Redacted]',
    ],
    ['/x?auth=abc&authorization=abc', '/x?auth=[Redacted]&authorization=[Redacted]'],
    ['/x?code=abc&client_secret=abc', '/x?code=[Redacted]&client_secret=[Redacted]'],
    ['/x?session=abc&sessionid=abc', '/x?session=[Redacted]&sessionid=[Redacted]'],
    ['/x?%74oken=abc', '/x?%74oken=[Redacted]'],
    ['/x?%ZZ&%74oken=abc', '/x?%ZZ&%74oken=[Redacted]'],
    ['/x?a[token]=abc', '/x?a[token]=[Redacted]'],
    ['/x?token', '/x?token=[Redacted]'],
    ['/x?token=a=b&q=1', '/x?token=[Redacted]&q=1'],
    ['/x?token=a&token=b', '/x?token=[Redacted]&token=[Redacted]'],
  ])('%s → %s', (url, logged) => expect(redactUrl(url)).toBe(logged));
});

describe('redactQuery', () => {
  it('redacts secret-looking parameters at any depth and keeps the others', () => {
    expect(
      redactQuery({
        page: '2',
        access_token: 'abc',
        Token: ['a', 'b'],
        filter: { api_key: 'abc', name: 'n' },
        list: [{ secret: 'abc' }, 'plain'],
      }),
    ).toEqual({
      page: '2',
      access_token: '[Redacted]',
      Token: '[Redacted]',
      filter: { api_key: '[Redacted]', name: 'n' },
      list: [{ secret: '[Redacted]' }, 'plain'],
    });
  });

  it('returns what is not an object as it is', () => {
    expect(redactQuery(undefined)).toBeUndefined();
    expect(redactQuery('')).toBe('');
  });

  it('leaves the original query untouched', () => {
    const query = { token: 'abc' };
    redactQuery(query);
    expect(query).toEqual({ token: 'abc' });
  });
});

describe('header allow-lists', () => {
  it('keeps the values of known request headers and only names the others', () => {
    const headers = {
      host: 'api.example.com',
      'user-agent': 'curl/8',
      'Content-Type': 'application/json',
      'x-request-id': 'r1',
      'x-forwarded-for': '203.0.113.7',
      authorization: 'Bearer abc',
      cookie: 'a=b',
      'x-access-token': 'abc',
      'x-api-key': 'abc',
      referer: 'https://app.example.com/?token=abc',
      'x-anything-else': 'abc',
    };
    expect(redactRequestHeaders(headers)).toEqual({
      host: 'api.example.com',
      'user-agent': 'curl/8',
      'Content-Type': 'application/json',
      'x-request-id': 'r1',
      'x-forwarded-for': '203.0.113.7',
      authorization: '[Redacted]',
      cookie: '[Redacted]',
      'x-access-token': '[Redacted]',
      'x-api-key': '[Redacted]',
      referer: '[Redacted]',
      'x-anything-else': '[Redacted]',
    });
    expect(headers.authorization).toBe('Bearer abc');
  });

  it('keeps the values of known response headers only', () => {
    expect(
      redactResponseHeaders({
        'content-type': 'application/json',
        'x-request-id': 'r1',
        'set-cookie': ['webhooks_admin=eyJ.x.y; Path=/admin'],
        location: '/admin/queues',
      }),
    ).toEqual({
      'content-type': 'application/json',
      'x-request-id': 'r1',
      'set-cookie': '[Redacted]',
      location: '[Redacted]',
    });
  });
});
