import {
  ExecutionContext,
  ForbiddenException,
  ImATeapotException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { WebhooksConfig } from '../options/webhooks-config';
import { WebhooksModuleOptions } from '../options/webhooks-module-options';
import { mintPortalToken, PortalTokens } from '../portal/portal-token';
import { AdminGuard, TenantGuard } from './webhooks-guards';
import { portalCallerOf, TenantId } from './request-tenant';
import { NotForPortalSessions, ReadOnlySafe, SecretRoute } from './route-access';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';

type Request = { method?: string; headers: Record<string, string> };

const ENCRYPTION_KEY = Buffer.alloc(32, 3).toString('base64');

const configWith = (resolvers: Pick<WebhooksModuleOptions, 'tenant' | 'isAdmin'>) =>
  WebhooksConfig.from({
    redis: { url: 'redis://127.0.0.1:6379' },
    secretEncryptionKey: ENCRYPTION_KEY,
    ...resolvers,
  });

const tenantGuard = (config: WebhooksConfig) =>
  new TenantGuard(config, new PortalTokens(config), new Reflector());
const adminGuard = (config: WebhooksConfig) => new AdminGuard(config, new PortalTokens(config));

/** Handlers marked as the module's controllers mark theirs. */
class Routes {
  plain() {}
  @SecretRoute() secret() {}
  @ReadOnlySafe() safe() {}
  @NotForPortalSessions() backendOnly() {}
}

const contextOf = (request: Request, handler: keyof Routes = 'plain') =>
  ({
    switchToHttp: () => ({ getRequest: () => request }),
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
  }) as unknown as ExecutionContext;

/** What @TenantId() gives the handler for this request. */
function tenantIdParam(request: Request): string {
  class Probe {
    handler(@TenantId() _tenantId: string) {}
  }
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Probe, 'handler');
  const { factory } = Object.values(args)[0] as { factory: (d: unknown, c: unknown) => string };
  return factory(undefined, contextOf(request));
}

// The host's auth: an API key header naming the tenant.
const byHeader = (request: Request) => request.headers['x-org'];

describe('TenantGuard', () => {
  const guard = tenantGuard(configWith({ tenant: byHeader }));

  it("gives the handler the tenant the host's resolver names", async () => {
    const request = { headers: { 'x-org': 'org_42' } };
    await expect(guard.canActivate(contextOf(request))).resolves.toBe(true);
    expect(tenantIdParam(request)).toBe('org_42');
  });

  it('lower-cases a UUID tenant, and keeps any other id exactly', async () => {
    const uuid = { headers: { 'x-org': '3F6C2A1E-8B4D-4C7A-9E21-5D0B7F3A9C14' } };
    await guard.canActivate(contextOf(uuid));
    expect(tenantIdParam(uuid)).toBe('3f6c2a1e-8b4d-4c7a-9e21-5d0b7f3a9c14');
    const mixed = { headers: { 'x-org': 'Org_A' } };
    await guard.canActivate(contextOf(mixed));
    expect(tenantIdParam(mixed)).toBe('Org_A');
  });

  it.each([
    ['no tenant', {}],
    ['an empty tenant', { 'x-org': '' }],
    ['a tenant id over 255 characters', { 'x-org': 'x'.repeat(256) }],
    ['a control character', { 'x-org': 'org\u0000' }],
  ])('answers 401 for %s', async (_, headers) => {
    const request = { headers: headers as Record<string, string> };
    await expect(guard.canActivate(contextOf(request))).rejects.toThrow(
      new UnauthorizedException('No tenant for this request'),
    );
    expect(() => tenantIdParam(request)).toThrow(UnauthorizedException);
  });

  it("lets the host's own error through", async () => {
    const refusing = tenantGuard(
      configWith({
        tenant: async () => {
          throw new ImATeapotException('ask the kettle');
        },
      }),
    );
    await expect(refusing.canActivate(contextOf({ headers: {} }))).rejects.toThrow(
      ImATeapotException,
    );
  });
});

describe('AdminGuard', () => {
  const guardFor = (isAdmin?: WebhooksModuleOptions['isAdmin']) =>
    adminGuard(configWith({ tenant: byHeader, isAdmin }));
  const staff = { headers: { 'x-org': 'org_1', 'x-staff': 'yes' } };
  const tenant = { headers: { 'x-org': 'org_1' } };

  it("passes whom the host's isAdmin says is an admin", async () => {
    const guard = guardFor(async (request: Request) => request.headers['x-staff'] === 'yes');
    await expect(guard.canActivate(contextOf(staff))).resolves.toBe(true);
    await expect(guard.canActivate(contextOf(tenant))).rejects.toThrow(ForbiddenException);
  });

  it('answers 403 to a tenant and 401 to nobody when no isAdmin is given', async () => {
    const guard = guardFor();
    await expect(guard.canActivate(contextOf(staff))).rejects.toThrow(
      new ForbiddenException('This route needs the admin role'),
    );
    await expect(guard.canActivate(contextOf({ headers: {} }))).rejects.toThrow(
      UnauthorizedException,
    );
  });

  it('passes only an isAdmin of exactly true', async () => {
    const guard = guardFor((() => 'yes') as unknown as WebhooksModuleOptions['isAdmin']);
    await expect(guard.canActivate(contextOf(staff))).rejects.toThrow(ForbiddenException);
  });
});

describe('TenantGuard with a portal token', () => {
  const hostResolver = jest.fn(byHeader);
  const guard = tenantGuard(configWith({ tenant: hostResolver }));
  const inAnHour = () => new Date(Date.now() + 3_600_000);
  const portal = (token: string, method = 'GET'): Request => ({
    method,
    headers: { authorization: `Bearer ${token}`, 'x-org': 'org_of_the_host' },
  });
  const tokenFor = (readOnly: boolean, expiresAt = inAnHour(), key = ENCRYPTION_KEY) =>
    mintPortalToken(key, { tenantId: 'org_portal', expiresAt, readOnly });

  beforeEach(() => hostResolver.mockClear());

  it("names the token's tenant without asking the host's resolver", async () => {
    const expiresAt = new Date(Math.floor(Date.now() / 1000 + 600) * 1000);
    const request = portal(tokenFor(true, expiresAt));
    await expect(guard.canActivate(contextOf(request))).resolves.toBe(true);
    expect(tenantIdParam(request)).toBe('org_portal');
    expect(portalCallerOf(request)).toEqual({ readOnly: true, expiresAt });
    expect(hostResolver).not.toHaveBeenCalled();
  });

  it("leaves a host caller's request without a portal session", async () => {
    const request = { method: 'POST', headers: { 'x-org': 'org_42' } };
    await expect(guard.canActivate(contextOf(request, 'backendOnly'))).resolves.toBe(true);
    expect(portalCallerOf(request)).toBeUndefined();
    expect(tenantIdParam(request)).toBe('org_42');
  });

  it.each([
    ['an expired token', () => tokenFor(false, new Date(Date.now() - 1000))],
    [
      'a token of another key',
      () => tokenFor(false, inAnHour(), Buffer.alloc(32, 9).toString('base64')),
    ],
    [
      "a read-only token's signature on a full token's claims",
      () => `${tokenFor(false).split('.')[0]}.${tokenFor(true).split('.')[1]}`,
    ],
    ['a bare prefix', () => 'whp_'],
  ])('answers 401 to %s, never falling back to the host', async (_, token) => {
    const request = portal(token());
    await expect(guard.canActivate(contextOf(request))).rejects.toThrow(
      new UnauthorizedException('This portal session is invalid or has expired'),
    );
    expect(hostResolver).not.toHaveBeenCalled();
    expect(() => tenantIdParam(request)).toThrow(UnauthorizedException);
  });

  it.each([true, false])('refuses a route not for portal sessions (readOnly %s)', async (ro) => {
    const request = portal(tokenFor(ro), 'POST');
    await expect(guard.canActivate(contextOf(request, 'backendOnly'))).rejects.toThrow(
      new ForbiddenException('This route is not open to portal sessions'),
    );
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])(
    'refuses %s to a read-only session unless the route is marked safe',
    async (method) => {
      const request = portal(tokenFor(true), method);
      await expect(guard.canActivate(contextOf(request))).rejects.toThrow(
        new ForbiddenException('This portal session is read-only'),
      );
      expect(() => tenantIdParam(request)).toThrow(UnauthorizedException);
      await expect(guard.canActivate(contextOf(request, 'safe'))).resolves.toBe(true);
    },
  );

  it('lets a read-only session read, but not a secret', async () => {
    for (const method of ['GET', 'HEAD', 'get']) {
      await expect(guard.canActivate(contextOf(portal(tokenFor(true), method)))).resolves.toBe(
        true,
      );
    }
    await expect(
      guard.canActivate(contextOf(portal(tokenFor(true), 'GET'), 'secret')),
    ).rejects.toThrow(new ForbiddenException('This portal session is read-only'));
  });

  it('lets a full session change things and read secrets', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      await expect(guard.canActivate(contextOf(portal(tokenFor(false), method)))).resolves.toBe(
        true,
      );
    }
    await expect(guard.canActivate(contextOf(portal(tokenFor(false)), 'secret'))).resolves.toBe(
      true,
    );
  });
});

describe('AdminGuard with a portal token', () => {
  const isAdmin = jest.fn(async () => true);
  const guard = adminGuard(configWith({ tenant: byHeader, isAdmin }));
  const withToken = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it('answers 403 to a valid portal session, whatever the host would say', async () => {
    const token = mintPortalToken(ENCRYPTION_KEY, {
      tenantId: 'org_1',
      expiresAt: new Date(Date.now() + 60_000),
    });
    await expect(guard.canActivate(contextOf(withToken(token)))).rejects.toThrow(
      new ForbiddenException('A portal session never opens admin routes'),
    );
    expect(isAdmin).not.toHaveBeenCalled();
  });

  it('answers 401 to an expired or forged one', async () => {
    const expired = mintPortalToken(ENCRYPTION_KEY, {
      tenantId: 'org_1',
      expiresAt: new Date(Date.now() - 60_000),
    });
    for (const token of [expired, 'whp_e30.AAAA']) {
      await expect(guard.canActivate(contextOf(withToken(token)))).rejects.toThrow(
        UnauthorizedException,
      );
    }
    expect(isAdmin).not.toHaveBeenCalled();
  });
});
