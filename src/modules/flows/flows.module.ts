import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks';
import { FLOW_EVENTS } from './flow-events';

/**
 * The flow.* events of the catalog. The example app has no flow feature yet: this module
 * only declares the events that one would emit, so tenants can subscribe to them already.
 */
@Module({ imports: [WebhooksModule.forFeature({ events: FLOW_EVENTS })] })
export class FlowsModule {}
