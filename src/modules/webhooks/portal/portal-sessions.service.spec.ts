import { InternalServerErrorException } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { WebhooksConfig } from '../options/webhooks-config';
import { WebhooksModuleOptions } from '../options/webhooks-module-options';
import { PortalSessionsService } from './portal-sessions.service';
import { PortalTokens } from './portal-token';

const NOW = new Date('2026-12-02T08:00:00.400Z');

function serviceWith(options: Partial<WebhooksModuleOptions>, address: unknown, globalPrefix = '') {
  const config = WebhooksConfig.from({
    redis: { url: 'redis://127.0.0.1:6379' },
    secretEncryptionKey: Buffer.alloc(32, 4).toString('base64'),
    tenant: () => 'org_1',
    ...options,
  });
  const adapterHost = { httpAdapter: { getHttpServer: () => ({ address: () => address }) } };
  const tokens = new PortalTokens(config);
  const application = new ApplicationConfig();
  application.setGlobalPrefix(globalPrefix);
  return {
    tokens,
    service: new PortalSessionsService(
      config,
      tokens,
      adapterHost as unknown as HttpAdapterHost,
      application,
    ),
  };
}

describe('PortalSessionsService', () => {
  it('links to publicUrl and portalPath, with a token for the tenant that expires on time', () => {
    const { service, tokens } = serviceWith(
      { publicUrl: 'https://app.example.com/', portalPath: '/hooks/portal/' },
      { port: 4000 },
    );
    const session = service.create('org_1', { expiresInMinutes: 15, readOnly: true }, NOW);
    expect(session).toEqual({
      url: `https://app.example.com/hooks/portal#token=${session.token}`,
      token: expect.stringMatching(/^whp_/),
      expiresAt: '2026-12-02T08:15:00.000Z',
    });
    expect(tokens.verify(session.token, NOW)).toEqual({
      tenantId: 'org_1',
      expiresAt: new Date('2026-12-02T08:15:00.000Z'),
      readOnly: true,
    });
  });

  it('defaults to an hour, a full session, and the port the app listens on', () => {
    const { service, tokens } = serviceWith({}, { address: '0.0.0.0', family: 'IPv4', port: 4000 });
    const session = service.create('org_1', {}, NOW);
    expect(session.url).toBe(`http://127.0.0.1:4000/portal#token=${session.token}`);
    expect(session.expiresAt).toBe('2026-12-02T09:00:00.000Z');
    expect(tokens.verify(session.token, NOW)?.readOnly).toBe(false);
  });

  it("links under the host's global prefix, where the page is served", () => {
    const { service } = serviceWith({ publicUrl: 'https://app.example.com' }, null, '/billing/');
    const session = service.create('org_1', {}, NOW);
    expect(session.url).toBe(`https://app.example.com/billing/portal#token=${session.token}`);
  });

  it('says why it cannot link when publicUrl is unset and no TCP port is open', () => {
    for (const address of [null, '/run/app.sock']) {
      const { service } = serviceWith({}, address);
      expect(() => service.create('org_1', {}, NOW)).toThrow(
        new InternalServerErrorException(
          'publicUrl is not set and the HTTP server listens on no TCP port',
        ),
      );
    }
  });
});
