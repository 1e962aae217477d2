import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { TenantGuard } from '../http/webhooks-guards';
import { WebhooksApi } from '../http/webhooks-api';
import { TenantId } from '../http/request-tenant';
import { SecretRoute } from '../http/route-access';
import { Page } from '../http/pagination.dto';
import { UuidParam } from '../http/validation/uuid-param';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { EventCatalogResponse } from '../events/event-catalog.response';
import { ListWebhooksQuery } from './dto/list-webhooks.query';
import { RotateSecretDto } from './dto/rotate-secret.dto';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import { SecretResponse, WebhookPageResponse, WebhookResponse } from './dto/webhook.response';
import { EventCatalog } from '../events/event-catalog';
import { WebhookRegistryService } from './webhook-registry.service';

@ApiTags('webhooks')
@WebhooksApi(TenantGuard)
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly registry: WebhookRegistryService,
    private readonly catalog: EventCatalog,
  ) {}

  @Get('events')
  @ApiOkResponse({ type: EventCatalogResponse })
  events(): EventCatalogResponse {
    return { events: this.catalog.entries().map((entry) => ({ ...entry })) };
  }

  @Post()
  @ApiCreatedResponse({ type: WebhookResponse, description: 'The webhook, with its secret' })
  @ApiConflictResponse({
    description: 'The tenant has as many webhooks as the limit allows (maxWebhooksPerTenant)',
  })
  async create(
    @TenantId() tenantId: string,
    @Body() dto: CreateWebhookDto,
  ): Promise<WebhookResponse> {
    return WebhookResponse.from(await this.registry.create(tenantId, dto), { revealSecret: true });
  }

  @Get()
  @ApiOkResponse({ type: WebhookPageResponse })
  async list(
    @TenantId() tenantId: string,
    @Query() query: ListWebhooksQuery,
  ): Promise<Page<WebhookResponse>> {
    const page = await this.registry.list(tenantId, query);
    return { data: page.data.map((webhook) => WebhookResponse.from(webhook)), meta: page.meta };
  }

  @Get(':id')
  @ApiOkResponse({ type: WebhookResponse })
  async findOne(
    @TenantId() tenantId: string,
    @UuidParam('id') id: string,
  ): Promise<WebhookResponse> {
    return WebhookResponse.from(await this.registry.findOne(tenantId, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: WebhookResponse })
  async update(
    @TenantId() tenantId: string,
    @UuidParam('id') id: string,
    @Body() dto: UpdateWebhookDto,
  ): Promise<WebhookResponse> {
    return WebhookResponse.from(await this.registry.update(tenantId, id, dto));
  }

  @Put(':id')
  @ApiOkResponse({ type: WebhookResponse, description: 'Same as PATCH' })
  replace(
    @TenantId() tenantId: string,
    @UuidParam('id') id: string,
    @Body() dto: UpdateWebhookDto,
  ): Promise<WebhookResponse> {
    return this.update(tenantId, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted with its logs' })
  async remove(@TenantId() tenantId: string, @UuidParam('id') id: string): Promise<void> {
    await this.registry.remove(tenantId, id);
  }

  @Get(':id/secret')
  @SecretRoute()
  @ApiOkResponse({ type: SecretResponse })
  async secret(@TenantId() tenantId: string, @UuidParam('id') id: string): Promise<SecretResponse> {
    return { secret: await this.registry.findSecret(tenantId, id) };
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOkResponse({ type: SecretResponse })
  async rotateSecret(
    @TenantId() tenantId: string,
    @UuidParam('id') id: string,
    @Body() dto: RotateSecretDto,
  ): Promise<SecretResponse> {
    return { secret: (await this.registry.rotateSecret(tenantId, id, dto)).secret };
  }

  @Post(':id/regenerate-secret')
  @HttpCode(200)
  @ApiOkResponse({ type: SecretResponse, description: 'Alias of rotate-secret' })
  regenerateSecret(
    @TenantId() tenantId: string,
    @UuidParam('id') id: string,
    @Body() dto: RotateSecretDto,
  ): Promise<SecretResponse> {
    return this.rotateSecret(tenantId, id, dto);
  }
}
