import { WebhooksConfig } from '../../options/webhooks-config';
import { HostResolver } from '../../url-guard/host-resolver';
import { UrlGuard } from '../../url-guard/url-guard';
import { RequestTargets } from './request-target';

const guard = (allowPrivateUrls: boolean) =>
  new UrlGuard(new HostResolver(), {
    allowPrivateUrls,
    allowedHosts: [],
  } as unknown as WebhooksConfig);

describe('RequestTargets', () => {
  const targets = new RequestTargets(guard(true));

  it('splits a URL into what http.request takes, without the fragment', () => {
    expect(targets.resolve('http://example.com:8080/a/b?c=1&d=2#frag')).toEqual({
      secure: false,
      hostname: 'example.com',
      port: 8080,
      path: '/a/b?c=1&d=2',
      auth: undefined,
    });
  });

  it('leaves the default port out, so the Host header carries none', () => {
    expect(targets.resolve('https://example.com/hook')).toMatchObject({
      secure: true,
      port: undefined,
      path: '/hook',
    });
    expect(targets.resolve('http://example.com:80/')).toMatchObject({ port: undefined });
  });

  it('drops the brackets of an IPv6 literal', () => {
    expect(targets.resolve('http://[2001:db8::1]:9000/')).toMatchObject({
      hostname: '2001:db8::1',
      port: 9000,
    });
  });

  it('keeps credentials of a URL stored with them, decoded, for Basic auth', () => {
    expect(targets.resolve('http://us%40er:p%3Ass@example.com/').auth).toBe('us@er:p:ss');
  });

  it('parses a URL once and answers the same target after', () => {
    const url = 'http://example.com/cached';
    expect(targets.resolve(url)).toBe(targets.resolve(url));
  });

  it('refuses a blocked IP literal on every call, never caching a refusal', () => {
    const strict = new RequestTargets(guard(false));
    for (let i = 0; i < 2; i++) {
      expect(() => strict.resolve('http://10.0.0.1/hook')).toThrow(
        expect.objectContaining({ code: 'EBLOCKEDADDRESS' }),
      );
    }
    expect(strict.resolve('http://93.184.216.34/hook').hostname).toBe('93.184.216.34');
  });
});
