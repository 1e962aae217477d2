import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks';
import { CONVERSATION_EVENTS } from './conversation-events';

/**
 * The conversation.* events of the catalog. The example app has no conversation feature yet: this module
 * only declares the events that one would emit, so tenants can subscribe to them already.
 */
@Module({ imports: [WebhooksModule.forFeature({ events: CONVERSATION_EVENTS })] })
export class ConversationsModule {}
