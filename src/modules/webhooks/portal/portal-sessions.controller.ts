import { Body, Controller, Get, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentPortalSession, PortalCaller, TenantId } from '../http/request-tenant';
import { NotForPortalSessions } from '../http/route-access';
import { WebhooksApi } from '../http/webhooks-api';
import { TenantGuard } from '../http/webhooks-guards';
import { CreatePortalSessionDto } from './dto/create-portal-session.dto';
import { PortalSessionResponse, PortalSessionStateResponse } from './dto/portal-session.response';
import { PortalSessionsService } from './portal-sessions.service';

/** Links to the tenant portal, made by the tenant's own backend; and what a link allows. */
@ApiTags('webhook portal')
@ApiUnauthorizedResponse({ description: 'No tenant, or an invalid or expired portal session' })
@WebhooksApi(TenantGuard)
@Controller('webhooks/portal')
export class PortalSessionsController {
  constructor(private readonly sessions: PortalSessionsService) {}

  @Post('sessions')
  @NotForPortalSessions()
  @ApiOperation({ summary: 'A link that opens the portal for the calling tenant' })
  @ApiCreatedResponse({ type: PortalSessionResponse })
  @ApiForbiddenResponse({ description: 'The caller is a portal session' })
  create(@TenantId() tenantId: string, @Body() dto: CreatePortalSessionDto): PortalSessionResponse {
    return this.sessions.create(tenantId, dto);
  }

  @Get('session')
  @ApiOperation({ summary: "The calling portal session's access, for the page to adapt to" })
  @ApiOkResponse({ type: PortalSessionStateResponse })
  session(@CurrentPortalSession() portal: PortalCaller | undefined): PortalSessionStateResponse {
    return portal
      ? { readOnly: portal.readOnly, expiresAt: portal.expiresAt.toISOString() }
      : { readOnly: false, expiresAt: null };
  }
}
