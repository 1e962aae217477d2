import { Injectable, InternalServerErrorException } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { WebhooksConfig } from '../options/webhooks-config';
import {
  CreatePortalSessionDto,
  DEFAULT_PORTAL_SESSION_MINUTES,
} from './dto/create-portal-session.dto';
import { PortalSessionResponse } from './dto/portal-session.response';
import { PortalTokens } from './portal-token';

/** Portal links: stateless signed tokens, so nothing is stored and nothing needs cleaning up. */
@Injectable()
export class PortalSessionsService {
  constructor(
    private readonly config: WebhooksConfig,
    private readonly tokens: PortalTokens,
    private readonly adapterHost: HttpAdapterHost,
    private readonly application: ApplicationConfig,
  ) {}

  create(tenantId: string, dto: CreatePortalSessionDto, now = new Date()): PortalSessionResponse {
    const minutes = dto.expiresInMinutes ?? DEFAULT_PORTAL_SESSION_MINUTES;
    // Whole seconds, as the token carries them, so expiresAt is exactly when it stops working.
    const expiresAt = new Date((Math.floor(now.getTime() / 1000) + minutes * 60) * 1000);
    const token = this.tokens.issue({ tenantId, expiresAt, readOnly: dto.readOnly ?? false });
    return {
      // In the fragment: browsers never send it, so no server or proxy logs it.
      url: `${this.origin()}${this.pagePath()}#token=${token}`,
      token,
      expiresAt: expiresAt.toISOString(),
    };
  }

  /** portalPath under the host's global prefix, which the page is served under too. */
  private pagePath(): string {
    const prefix = this.application.getGlobalPrefix().replace(/^\/+|\/+$/g, '');
    return prefix ? `/${prefix}${this.config.portalPath}` : this.config.portalPath;
  }

  /** options.publicUrl, or the loopback address of the port this app listens on. */
  private origin(): string {
    if (this.config.publicUrl !== undefined) return this.config.publicUrl;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as
      { address?: () => unknown } | undefined;
    const address = server?.address?.();
    if (typeof address === 'object' && address !== null && 'port' in address) {
      return `http://127.0.0.1:${(address as { port: number }).port}`;
    }
    throw new InternalServerErrorException(
      'publicUrl is not set and the HTTP server listens on no TCP port',
    );
  }
}
