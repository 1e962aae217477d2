import { Module } from '@nestjs/common';
import { PortalPageController } from './portal-page.controller';
import { BUILT_PORTAL_PAGE_DIR } from './portal-page.files';
import { PORTAL_PAGE_DIR, PortalPage } from './portal-page';

/**
 * Serves the built portal page. Its own module so that webhookRoutes can mount it at
 * options.portalPath, apart from the API's routePrefix. WebhooksConfig comes from the
 * (global) WebhooksModule.
 */
@Module({
  controllers: [PortalPageController],
  providers: [PortalPage, { provide: PORTAL_PAGE_DIR, useValue: BUILT_PORTAL_PAGE_DIR }],
})
export class PortalPageModule {}
