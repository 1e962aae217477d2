import type { WebhooksService } from 'nest-webhooks';

/**
 * Never called: compiling it checks that the package's declarations carry the host's event
 * types (invoice-events.ts). Each line below must be a compile error, or tsc fails.
 */
export async function eventTypeChecks(webhooks: WebhooksService): Promise<void> {
  // @ts-expect-error a type the host never declared
  await webhooks.triggerEvent('org_42', 'invoice.voided', {});
  // @ts-expect-error data that is not an invoice.paid payload
  await webhooks.triggerEvent('org_42', 'invoice.paid', { invoice: { id: 1 } });
}
