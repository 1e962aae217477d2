import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { ADMIN_ROLE } from './auth-context';
import { AuthenticatedRequest } from './jwt-auth.guard';

/** Runs after JwtAuthGuard: only tokens with the `admin` role pass. */
@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!request.auth?.roles.includes(ADMIN_ROLE)) {
      throw new ForbiddenException('This route needs the admin role');
    }
    return true;
  }
}
