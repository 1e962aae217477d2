import {
  ExecutionContext,
  ForbiddenException,
  ImATeapotException,
  UnauthorizedException,
} from '@nestjs/common';
import { WebhooksConfig } from '../options/webhooks-config';
import { WebhooksModuleOptions } from '../options/webhooks-module-options';
import { AdminGuard, TenantGuard } from './webhooks-guards';
import { TenantId } from './request-tenant';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';

type Request = { headers: Record<string, string> };

const configWith = (resolvers: Pick<WebhooksModuleOptions, 'tenant' | 'isAdmin'>) =>
  WebhooksConfig.from({
    redis: { url: 'redis://127.0.0.1:6379' },
    secretEncryptionKey: Buffer.alloc(32, 3).toString('base64'),
    ...resolvers,
  });

const contextOf = (request: Request) =>
  ({ switchToHttp: () => ({ getRequest: () => request }) }) as unknown as ExecutionContext;

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
  const guard = new TenantGuard(configWith({ tenant: byHeader }));

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
    const refusing = new TenantGuard(
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
    new AdminGuard(configWith({ tenant: byHeader, isAdmin }));
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
