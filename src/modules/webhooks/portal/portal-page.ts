import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { WebhooksConfig } from '../options/webhooks-config';
import { PortalPageFiles } from './portal-page.files';

/** The folder of the built page; a test points it at a folder without a build. */
export const PORTAL_PAGE_DIR = Symbol('PORTAL_PAGE_DIR');

/**
 * The portal page as served: loaded when the app has booted, once the host has set its global
 * prefix (which the page's own path and the API's path both start with).
 */
@Injectable()
export class PortalPage implements OnApplicationBootstrap {
  private loaded = PortalPageFiles.empty();

  constructor(
    @Inject(WebhooksConfig) private readonly config: WebhooksConfig,
    private readonly application: ApplicationConfig,
    @Inject(PORTAL_PAGE_DIR) private readonly dir: string,
  ) {}

  onApplicationBootstrap(): void {
    const prefix = joinPath('', this.application.getGlobalPrefix());
    this.loaded = PortalPageFiles.load(
      this.dir,
      joinPath(prefix, this.config.portalPath),
      joinPath(prefix, this.config.routePrefix),
    );
  }

  get files(): PortalPageFiles {
    return this.loaded;
  }
}

/** `/a/b` from 'a', '/b/': leading "/", no trailing one; '' for nothing at all. */
function joinPath(...parts: string[]): string {
  const segments = parts.flatMap((part) => part.split('/')).filter((segment) => segment !== '');
  return segments.length ? `/${segments.join('/')}` : '';
}
