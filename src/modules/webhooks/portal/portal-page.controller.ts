import {
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Res,
  ServiceUnavailableException,
  StreamableFile,
  UseFilters,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { WebhooksExceptionFilter } from '../http/webhooks-exception.filter';
import { WebhooksConfig } from '../options/webhooks-config';
import { portalPageHeaders } from './portal-page-headers';
import { PortalPage } from './portal-page';

/**
 * The tenant portal page at options.portalPath (mounted there by webhookRoutes). Public: the
 * page holds no token or secret; it reads its session token from the URL fragment and calls
 * the API with it. Headers are set through the HTTP adapter, so any Nest platform works.
 */
@ApiExcludeController()
@UseFilters(WebhooksExceptionFilter)
@Controller()
export class PortalPageController {
  private readonly headers: Record<string, string>;

  constructor(
    private readonly page: PortalPage,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(WebhooksConfig) config: WebhooksConfig,
  ) {
    this.headers = portalPageHeaders(config.portalFrameAncestors);
  }

  @Get()
  index(@Res({ passthrough: true }) response: unknown): StreamableFile {
    this.setHeaders(response, { 'Cache-Control': 'no-cache' });
    const index = this.page.files.index;
    if (!index) {
      throw new ServiceUnavailableException(
        'The portal page has not been built: run `npm run build:portal`',
      );
    }
    return new StreamableFile(index, { type: 'text/html; charset=utf-8', length: index.length });
  }

  @Get('assets/:file')
  asset(
    @Param('file') file: string,
    @Res({ passthrough: true }) response: unknown,
  ): StreamableFile {
    const asset = this.page.files.asset(file);
    if (!asset) {
      this.setHeaders(response, { 'Cache-Control': 'no-cache' });
      throw new NotFoundException('No such portal asset');
    }
    // Hashed file names: a changed file gets a new name.
    this.setHeaders(response, { 'Cache-Control': 'public, max-age=31536000, immutable' });
    return new StreamableFile(asset.body, { type: asset.contentType, length: asset.body.length });
  }

  /** Anything else under the page's path: a 404 that carries the page's headers too. */
  @Get('*rest')
  other(@Res({ passthrough: true }) response: unknown): never {
    this.setHeaders(response, { 'Cache-Control': 'no-cache' });
    throw new NotFoundException('No such portal file');
  }

  private setHeaders(response: unknown, extra: Record<string, string>): void {
    const adapter = this.adapterHost.httpAdapter;
    for (const [name, value] of Object.entries({ ...this.headers, ...extra })) {
      adapter.setHeader(response, name, value);
    }
  }
}
