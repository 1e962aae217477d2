import { createParamDecorator, ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { AuthenticatedRequest } from './jwt-auth.guard';

/** The caller's tenant id, from the verified token (never from the body or the path). */
export const TenantId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const auth = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new UnauthorizedException();
  return auth.tenantId;
});
