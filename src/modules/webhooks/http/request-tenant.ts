import { createParamDecorator, ExecutionContext, UnauthorizedException } from '@nestjs/common';

/** The tenant of each request, as the guard resolved it; nothing is added to the request. */
const tenants = new WeakMap<object, string>();

export function rememberTenant(request: object, tenantId: string): void {
  tenants.set(request, tenantId);
}

/** The caller's tenant id, from the host's resolver (never from the body or the path). */
export const TenantId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const tenantId = tenants.get(context.switchToHttp().getRequest<object>());
  if (tenantId === undefined) throw new UnauthorizedException();
  return tenantId;
});
