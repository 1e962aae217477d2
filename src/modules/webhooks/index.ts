/**
 * The package's public surface: everything a host app imports. The rest of this folder is
 * internal and may change in any release.
 */
export { WebhooksModule } from './webhooks.module';
export { WebhooksService } from './webhooks.service';
export type { TriggerOptions, TriggerResult } from './webhooks.service';
/** What WebhooksService.onOperationalEvent listeners get (`webhook.disabled`, `webhook.delivery_failed`). */
export type {
  DeliveryFailedData,
  OperationalEvent,
  OperationalEventListener,
  OperationalEventType,
  WebhookDisabledData,
} from './operational/operational-event';
export { webhooksMigrations } from './migrations/webhooks-migrations';
export { reencryptWebhookSecrets } from './secrets/reencrypt-webhook-secrets';
export type {
  AdminResolver,
  TenantResolver,
  WebhooksModuleOptions,
} from './options/webhooks-module-options';
export { WebhooksOptionsError } from './options/webhooks-config';
export type { WebhooksModuleAsyncOptions } from './options/webhooks-module-definition';
export {
  isAllowedHostEntry,
  isRedisClusterNode,
  isSecretEncryptionKey,
} from './options/option-rules';
export type { WebhookEventDefinition } from './events/event-definition';
export type {
  EventDataIn,
  EventTypeIn,
  WebhookEventData,
  WebhookEventPayloads,
  WebhookEventType,
} from './events/event-types';
export { WebhookEventCatalogError } from './events/event-catalog.error';
/** What triggerEvent throws for an event that can never be delivered (a 400 on a route). */
export { InvalidWebhookEventError } from './events/webhook-event.error';
export { MAX_EVENT_PAYLOAD_BYTES } from './events/event-envelope';
/** The BullMQ queue of deliveries (`getQueueToken(WEBHOOK_DELIVERY_QUEUE)`), for a dashboard. */
export { WEBHOOK_DELIVERY_QUEUE } from './delivery/webhook-queue';
/** Every delivery shard's BullMQ queue (`Queue[]`, shard 0 first), for a dashboard. */
export { WEBHOOK_DELIVERY_QUEUES } from './redis/delivery-shards';
// For hosts that want the module's error shape and input rules on their own routes too.
export { WebhooksExceptionFilter } from './http/webhooks-exception.filter';
export { webhooksValidationPipes } from './http/webhooks-api';
