import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { WebhooksConfig } from '../options/webhooks-config';
import { PortalSession, PortalTokens, portalTokenOf } from '../portal/portal-token';
import { normalizeTenantId } from '../tenancy/tenant-id';
import { rememberTenant } from './request-tenant';
import { NOT_FOR_PORTAL, READ_ONLY_SAFE, SECRET_ROUTE } from './route-access';

interface GuardedRequest {
  method?: string;
  headers?: Record<string, unknown>;
}

const INVALID_PORTAL_SESSION = 'This portal session is invalid or has expired';
const READ_ONLY = 'This portal session is read-only';
/** The only methods a read-only session may use on a route not marked @ReadOnlySafe(). */
const READING_METHODS = ['GET', 'HEAD'];

/**
 * Every tenant route. A portal token (`Bearer whp_…`) is checked by the module itself and
 * never reaches the host's resolver; any other caller is the host's `tenant(request)`, or a 401.
 */
@Injectable()
export class TenantGuard implements CanActivate {
  constructor(
    private readonly config: WebhooksConfig,
    private readonly portalTokens: PortalTokens,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const token = portalTokenOf(request.headers?.authorization);
    if (token !== null) {
      const session = verifiedSession(this.portalTokens, token);
      this.checkPortalAccess(context, request, session);
      rememberTenant(request, session.tenantId, {
        readOnly: session.readOnly,
        expiresAt: session.expiresAt,
      });
      return true;
    }
    const tenantId = await resolveTenant(this.config, request);
    if (tenantId === null) throw new UnauthorizedException('No tenant for this request');
    rememberTenant(request, tenantId);
    return true;
  }

  /** Refuses what this session may not do here; before the pipes, so nothing is written. */
  private checkPortalAccess(
    context: ExecutionContext,
    request: GuardedRequest,
    session: PortalSession,
  ): void {
    const marked = (key: string) =>
      this.reflector.getAllAndOverride<boolean>(key, [context.getHandler(), context.getClass()]) ===
      true;
    if (marked(NOT_FOR_PORTAL)) {
      throw new ForbiddenException('This route is not open to portal sessions');
    }
    if (!session.readOnly) return;
    const reading = READING_METHODS.includes((request.method ?? '').toUpperCase());
    if (marked(SECRET_ROUTE) || !(reading || marked(READ_ONLY_SAFE))) {
      throw new ForbiddenException(READ_ONLY);
    }
  }
}

/**
 * The queue admin routes: the host's `isAdmin(request)`; 401 for nobody, 403 for a tenant.
 * A portal session is never an admin, whatever the host would say.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(
    private readonly config: WebhooksConfig,
    private readonly portalTokens: PortalTokens,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const token = portalTokenOf(request.headers?.authorization);
    if (token !== null) {
      verifiedSession(this.portalTokens, token);
      throw new ForbiddenException('A portal session never opens admin routes');
    }
    if ((await this.config.isAdmin(request)) === true) return true;
    if ((await resolveTenant(this.config, request)) === null) {
      throw new UnauthorizedException('No tenant for this request');
    }
    throw new ForbiddenException('This route needs the admin role');
  }
}

/** The session of a portal token; a forged, altered or expired one is a 401. */
function verifiedSession(tokens: PortalTokens, token: string): PortalSession {
  const session = tokens.verify(token, new Date());
  if (session === null) throw new UnauthorizedException(INVALID_PORTAL_SESSION);
  return session;
}

async function resolveTenant(config: WebhooksConfig, request: object): Promise<string | null> {
  const value = await config.tenant(request);
  return value ? normalizeTenantId(value) : null;
}
