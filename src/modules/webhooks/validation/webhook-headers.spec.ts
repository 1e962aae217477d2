import { customHeaderProblems, MAX_CUSTOM_HEADERS } from './webhook-headers';

const headers = (count: number): Record<string, string> =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`X-Custom-${i}`, `v${i}`]));

describe('customHeaderProblems', () => {
  it('accepts an empty map and ordinary custom headers', () => {
    expect(customHeaderProblems({})).toEqual([]);
    expect(
      customHeaderProblems({
        'X-Api-Key': 'abc',
        Authorization: 'Bearer token',
        'x-tenant': '',
        "X-Odd!#$%&'*+.^_`|~": 'ok',
      }),
    ).toEqual([]);
  });

  it.each([null, undefined, 'X-Api-Key: abc', 5, true, [], [['X-Api-Key', 'abc']]])(
    'refuses a non-object %j',
    (value) => {
      expect(customHeaderProblems(value)).toEqual([
        'headers must be an object of header names to string values',
      ]);
    },
  );

  it(`allows ${MAX_CUSTOM_HEADERS} headers and refuses ${MAX_CUSTOM_HEADERS + 1}`, () => {
    expect(MAX_CUSTOM_HEADERS).toBe(20);
    expect(customHeaderProblems(headers(20))).toEqual([]);
    expect(customHeaderProblems(headers(21))).toEqual(['headers must have at most 20 entries']);
  });

  it.each([
    'Content-Type',
    'content-type',
    'CONTENT-TYPE',
    'Host',
    'host',
    'Content-Length',
    'User-Agent',
    'user-agent',
    'webhook-id',
    'Webhook-Timestamp',
    'WEBHOOK-SIGNATURE',
    'webhook-anything',
    'X-Webhook-Signature',
    'x-webhook-event',
    'X-WEBHOOK-DELIVERY',
    'x-webhook-attempt',
  ])('refuses the reserved name %s, case-insensitively', (name) => {
    expect(customHeaderProblems({ [name]: 'x' })).toEqual([
      `headers: "${name}" is reserved and set by the sender`,
    ]);
  });

  it('does not reserve names that merely contain "webhook"', () => {
    expect(customHeaderProblems({ 'X-My-Webhook-Key': 'a', Webhooks: 'b' })).toEqual([]);
  });

  it.each(['Connection', 'transfer-encoding', 'Keep-Alive', 'Upgrade', 'TE', 'Trailer', 'Expect'])(
    'refuses the hop-by-hop header %s',
    (name) => {
      expect(customHeaderProblems({ [name]: 'x' })).toEqual([`headers: "${name}" may not be set`]);
    },
  );

  it.each(['', 'X Api Key', 'X-Api-Key:', 'X(Api)', 'X-Ünicode', 'X-Api\nKey', 'x'.repeat(257)])(
    'refuses the invalid header name %j',
    (name) => {
      expect(customHeaderProblems({ [name]: 'x' })).toEqual([
        `headers: "${name}" is not a valid header name`,
      ]);
    },
  );

  it('accepts a 256-character header name', () => {
    expect(customHeaderProblems({ ['x'.repeat(256)]: 'x' })).toEqual([]);
  });

  it('refuses the same name twice in different case', () => {
    expect(customHeaderProblems({ 'X-Api-Key': 'a', 'x-api-key': 'b' })).toEqual([
      'headers: "x-api-key" is given twice',
    ]);
  });

  it.each([5, true, null, { nested: 'x' }, ['a']])('refuses the non-string value %j', (value) => {
    expect(customHeaderProblems({ 'X-Api-Key': value })).toEqual([
      'headers: value of "X-Api-Key" must be a string',
    ]);
  });

  it.each(['a\nX-Injected: 1', 'a\r\nb', 'a\rb', 'a\0b'])(
    'refuses a value with a line break or NUL %j',
    (value) => {
      expect(customHeaderProblems({ 'X-Api-Key': value })).toEqual([
        'headers: value of "X-Api-Key" must be at most 2048 characters without line breaks',
      ]);
    },
  );

  it('allows values up to 2048 characters', () => {
    expect(customHeaderProblems({ 'X-Api-Key': 'v'.repeat(2048) })).toEqual([]);
    expect(customHeaderProblems({ 'X-Api-Key': 'v'.repeat(2049) })).toEqual([
      'headers: value of "X-Api-Key" must be at most 2048 characters without line breaks',
    ]);
  });

  it('reports every problem at once', () => {
    const problems = customHeaderProblems({
      ...headers(20),
      Host: 'evil',
      'bad name': 'x',
      'X-Number': 5 as unknown as string,
    });
    expect(problems).toEqual([
      'headers must have at most 20 entries',
      'headers: "Host" is reserved and set by the sender',
      'headers: "bad name" is not a valid header name',
      'headers: value of "X-Number" must be a string',
    ]);
  });
});
