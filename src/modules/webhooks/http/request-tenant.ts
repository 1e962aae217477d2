import { createParamDecorator, ExecutionContext, UnauthorizedException } from '@nestjs/common';

/** A caller that came with a portal token rather than through the host's resolver. */
export interface PortalCaller {
  readOnly: boolean;
  expiresAt: Date;
}

interface RequestCaller {
  tenantId: string;
  /** Set only for a portal session. */
  portal?: PortalCaller;
}

/** The caller of each request, as the guard resolved it; nothing is added to the request. */
const callers = new WeakMap<object, RequestCaller>();

export function rememberTenant(request: object, tenantId: string, portal?: PortalCaller): void {
  callers.set(request, portal ? { tenantId, portal } : { tenantId });
}

/** The portal session behind a request, or undefined for any other caller. */
export function portalCallerOf(request: object): PortalCaller | undefined {
  return callers.get(request)?.portal;
}

/** The caller's tenant id, from the host's resolver (never from the body or the path). */
export const TenantId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const tenantId = callers.get(context.switchToHttp().getRequest<object>())?.tenantId;
  if (tenantId === undefined) throw new UnauthorizedException();
  return tenantId;
});

/** The portal session of the caller, or undefined when the host's resolver named the tenant. */
export const CurrentPortalSession = createParamDecorator(
  (_: unknown, context: ExecutionContext): PortalCaller | undefined =>
    portalCallerOf(context.switchToHttp().getRequest<object>()),
);
