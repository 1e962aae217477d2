import { MAX_URL_LENGTH, webhookUrlProblem } from './webhook-url';

describe('webhookUrlProblem', () => {
  it.each([
    'https://example.com/hooks',
    'http://example.com',
    'HTTPS://EXAMPLE.COM/Hooks',
    'https://example.com:8443/hooks?source=crm&x=1',
    'https://hooks.example.co.uk/a/b/c/',
    'https://bücher.example/hooks',
    'https://93.184.215.14/hooks',
    'https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hooks',
  ])('accepts %s', (url) => {
    expect(webhookUrlProblem(url)).toBeNull();
  });

  it.each([undefined, null, '', 42, {}, ['https://example.com']])(
    'refuses the missing or non-string value %j',
    (value) => {
      expect(webhookUrlProblem(value)).toBe('url must be a non-empty string');
    },
  );

  it(`accepts ${MAX_URL_LENGTH} characters and refuses one more`, () => {
    expect(MAX_URL_LENGTH).toBe(2048);
    const prefix = 'https://example.com/';
    expect(webhookUrlProblem(prefix + 'a'.repeat(2048 - prefix.length))).toBeNull();
    expect(webhookUrlProblem(prefix + 'a'.repeat(2049 - prefix.length))).toBe(
      'url must be at most 2048 characters',
    );
  });

  it.each([
    '/hooks',
    'hooks',
    'example.com/hooks',
    '//example.com/hooks',
    'http://',
    'https://exa mple.com',
  ])('refuses %j as not an absolute URL', (url) => {
    expect(webhookUrlProblem(url)).toBe('url must be an absolute http(s) URL');
  });

  it.each([
    'ftp://example.com/hooks',
    'javascript:alert(1)',
    'JavaScript://example.com/%0aalert(1)',
    'file:///etc/passwd',
    'data:text/plain,hello',
    'ws://example.com/socket',
    'mailto:ops@example.com',
  ])('refuses the scheme of %s', (url) => {
    expect(webhookUrlProblem(url)).toBe('url must use http or https');
  });

  it.each([
    'https://user:hunter2@example.com/hooks',
    'https://user@example.com/hooks',
    'https://:hunter2@example.com/hooks',
  ])('refuses credentials in %s without repeating them', (url) => {
    const problem = webhookUrlProblem(url);
    expect(problem).toBe('url must not contain credentials; send them in headers instead');
    expect(problem).not.toContain('hunter2');
  });

  it.each([
    'http://127.0.0.1:0/',
    'https://example.com:0/hooks',
    'http://example.com:00/hooks',
    'HTTPS://EXAMPLE.COM:000/',
    'http://[::1]:0/hooks',
  ])('refuses port 0 in %s', (url) => {
    expect(webhookUrlProblem(url)).toBe('url must not use port 0');
  });

  it.each(['http://example.com:1/', 'https://example.com:65535/hooks', 'https://example.com:443/'])(
    'accepts the port of %s',
    (url) => {
      expect(webhookUrlProblem(url)).toBeNull();
    },
  );

  it('refuses a fragment', () => {
    expect(webhookUrlProblem('https://example.com/hooks#section')).toBe(
      'url must not contain a fragment',
    );
  });
});
