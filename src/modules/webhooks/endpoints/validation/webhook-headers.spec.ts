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

  it.each([
    ['a line feed', 'a\nX-Injected: 1'],
    ['CR LF', 'a\r\nb'],
    ['a carriage return', 'a\rb'],
    ['NUL', 'a\0b'],
    ['a C0 control', 'a\x01b'],
    ['ESC', 'a\x1bb'],
    ['DEL', 'a\x7fb'],
    ['a C1 control', 'a\x85b'],
    ['a no-break space', 'a\u00a0b'],
    ['a Latin-1 letter', 'caf\u00e9'],
    ['CJK text', '日本'],
    ['LINE SEPARATOR', 'a\u2028b'],
    ['an emoji', 'key-🪝'],
    ['a lone surrogate', 'a\ud800b'],
  ])('refuses a value with %s, which would not arrive as stored', (_, value) => {
    expect(customHeaderProblems({ 'X-Api-Key': value })).toEqual([
      'headers: value of "X-Api-Key" may contain only visible ASCII characters, spaces and tabs',
    ]);
  });

  it.each([' token', '\ttoken', 'token ', 'token\t', ' ', '\t'])(
    'refuses the value %j, whose edge whitespace receivers would strip',
    (value) => {
      expect(customHeaderProblems({ 'X-Api-Key': value })).toEqual([
        'headers: value of "X-Api-Key" must not begin or end with a space or tab',
      ]);
    },
  );

  it('accepts every visible ASCII character, inner spaces and tabs, and an empty value', () => {
    const visible = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) =>
      String.fromCharCode(0x21 + i),
    ).join('');
    expect(
      customHeaderProblems({
        'X-Visible': visible,
        'X-Inner': `Bearer a  b\tc ${visible}`,
        'X-Empty': '',
      }),
    ).toEqual([]);
  });

  it('names each header whose value is refused, and only those', () => {
    expect(customHeaderProblems({ 'X-Ok': 'fine', 'X-Bad': '日本', 'X-Padded': ' x' })).toEqual([
      'headers: value of "X-Bad" may contain only visible ASCII characters, spaces and tabs',
      'headers: value of "X-Padded" must not begin or end with a space or tab',
    ]);
  });

  it('allows values up to 2048 characters', () => {
    expect(customHeaderProblems({ 'X-Api-Key': 'v'.repeat(2048) })).toEqual([]);
    expect(customHeaderProblems({ 'X-Api-Key': 'v'.repeat(2049) })).toEqual([
      'headers: value of "X-Api-Key" must be at most 2048 characters',
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
