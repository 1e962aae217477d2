import { DynamicModule, Type } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
// Not re-exported from @nestjs/core's root; RouterModule.register would need the prefix before
// forRootAsync's factory has run.
import { ROUTES } from '@nestjs/core/router/router-module';
import { WebhooksConfig } from '../options/webhooks-config';

/**
 * Mounts the controllers of `module` under options.routePrefix and those of `portalPage` at
 * options.portalPath (both resolved at boot).
 */
export function webhookRoutes(module: Type, portalPage: Type): DynamicModule {
  return {
    module: RouterModule,
    providers: [
      {
        provide: ROUTES,
        inject: [WebhooksConfig],
        useFactory: (config: WebhooksConfig) => [
          { path: config.routePrefix, module },
          { path: config.portalPath, module: portalPage },
        ],
      },
    ],
  };
}
