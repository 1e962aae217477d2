import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks';
import { AUTOMATION_EVENTS } from './automation-events';

/**
 * The automation.* events of the catalog. The example app has no automation feature yet: this module
 * only declares the events that one would emit, so tenants can subscribe to them already.
 */
@Module({ imports: [WebhooksModule.forFeature({ events: AUTOMATION_EVENTS })] })
export class AutomationsModule {}
