import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks';
import { CONTACT_EVENTS } from './contact-events';

/**
 * The contact.* events of the catalog. The example app has no contact feature yet: this module
 * only declares the events that one would emit, so tenants can subscribe to them already.
 */
@Module({ imports: [WebhooksModule.forFeature({ events: CONTACT_EVENTS })] })
export class ContactsModule {}
