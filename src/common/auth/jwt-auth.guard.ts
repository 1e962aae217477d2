import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { isUUID } from 'class-validator';
import { Request } from 'express';
import { AuthContext } from './auth-context';

export type AuthenticatedRequest = Request & { auth?: AuthContext };

/** Verifies `Authorization: Bearer <HS256 JWT>` and attaches the caller's tenant to the request. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(private readonly jwt: JwtService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.authenticate(context.switchToHttp().getRequest<AuthenticatedRequest>());
    return true;
  }

  /**
   * The caller of a request, verified once and kept on it, or UnauthorizedException. Also the
   * webhooks module's tenant and admin resolvers (webhooks-options.ts).
   */
  async authenticate(request: AuthenticatedRequest): Promise<AuthContext> {
    if (request.auth) return request.auth;
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new UnauthorizedException('Missing bearer token');
    }
    request.auth = await this.verify(token);
    return request.auth;
  }

  /** The caller behind a token, or UnauthorizedException; also used by the admin UI's login. */
  async verify(token: string): Promise<AuthContext> {
    let claims: Record<string, unknown>;
    try {
      claims = await this.jwt.verifyAsync(token, { algorithms: ['HS256'] });
    } catch {
      throw new UnauthorizedException('Invalid or expired token');
    }
    // A token without an expiry would be valid forever once leaked.
    if (typeof claims.exp !== 'number') throw new UnauthorizedException('Token must carry exp');
    const { sub, tenantId, roles = [] } = claims;
    if (typeof sub !== 'string' || !sub || typeof tenantId !== 'string' || !isUUID(tenantId)) {
      throw new UnauthorizedException('Token must carry sub and a UUID tenantId');
    }
    if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
      throw new UnauthorizedException('Token roles must be an array of strings');
    }
    return { subject: sub, tenantId: tenantId.toLowerCase(), roles };
  }
}
