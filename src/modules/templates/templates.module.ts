import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks';
import { TEMPLATE_EVENTS } from './template-events';

/**
 * The template.* events of the catalog. The example app has no template feature yet: this module
 * only declares the events that one would emit, so tenants can subscribe to them already.
 */
@Module({ imports: [WebhooksModule.forFeature({ events: TEMPLATE_EVENTS })] })
export class TemplatesModule {}
