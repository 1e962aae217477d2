import { Module } from '@nestjs/common';
import { WebhooksConfig } from '../options/webhooks-config';
import { PortalPageController } from './portal-page.controller';
import { PortalPageFiles } from './portal-page.files';

/**
 * Serves the built portal page. Its own module so that webhookRoutes can mount it at
 * options.portalPath, apart from the API's routePrefix. WebhooksConfig comes from the
 * (global) WebhooksModule.
 */
@Module({
  controllers: [PortalPageController],
  providers: [
    {
      provide: PortalPageFiles,
      inject: [WebhooksConfig],
      useFactory: (config: WebhooksConfig) =>
        PortalPageFiles.load({ portalPath: config.portalPath, routePrefix: config.routePrefix }),
    },
  ],
})
export class PortalPageModule {}
