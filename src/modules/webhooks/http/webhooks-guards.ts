import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { WebhooksConfig } from '../options/webhooks-config';
import { normalizeTenantId } from '../tenancy/tenant-id';
import { rememberTenant } from './request-tenant';

/** Every tenant route: the host's `tenant(request)` names the caller's tenant, or it is a 401. */
@Injectable()
export class TenantGuard implements CanActivate {
  constructor(private readonly config: WebhooksConfig) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<object>();
    const tenantId = await resolveTenant(this.config, request);
    if (tenantId === null) throw new UnauthorizedException('No tenant for this request');
    rememberTenant(request, tenantId);
    return true;
  }
}

/** The queue admin routes: the host's `isAdmin(request)`; 401 for nobody, 403 for a tenant. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly config: WebhooksConfig) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<object>();
    if ((await this.config.isAdmin(request)) === true) return true;
    if ((await resolveTenant(this.config, request)) === null) {
      throw new UnauthorizedException('No tenant for this request');
    }
    throw new ForbiddenException('This route needs the admin role');
  }
}

async function resolveTenant(config: WebhooksConfig, request: object): Promise<string | null> {
  const value = await config.tenant(request);
  return value ? normalizeTenantId(value) : null;
}
