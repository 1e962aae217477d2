/**
 * Compile-time checks of triggerEvent's typing, run by `tsc --noEmit` (never executed): every
 * `@ts-expect-error` must meet an error, and every other line must compile.
 */
import type { EventDataIn, EventTypeIn, WebhooksService } from '../../src/modules/webhooks';

declare const webhooks: WebhooksService;

// The example app declares its 22 types in WebhookEventPayloads: they compile, typos do not.
void webhooks.triggerEvent('tenant', 'message.sent', { message: { id: 'm1' } });
void webhooks.triggerEvent('tenant', 'template.rejected', {});
// @ts-expect-error a type no module declares
void webhooks.triggerEvent('tenant', 'message.sendt', {});
// @ts-expect-error data must be an object
void webhooks.triggerEvent('tenant', 'message.sent', ['not', 'an', 'object']);

/** triggerEvent's signature over another payload map. */
type TriggerOver<Payloads> = <T extends EventTypeIn<Payloads>>(
  type: T,
  data: EventDataIn<Payloads, T>,
) => void;

// A host that maps its types to payload shapes gets each payload checked.
interface BillingPayloads {
  'invoice.paid': { invoice: { id: string; amount: number } };
  'invoice.voided': { invoice: { id: string }; reason: string };
}
declare const billing: TriggerOver<BillingPayloads>;
billing('invoice.paid', { invoice: { id: 'inv_1', amount: 1200 } });
billing('invoice.voided', { invoice: { id: 'inv_1' }, reason: 'duplicate' });
// @ts-expect-error amount must be a number
billing('invoice.paid', { invoice: { id: 'inv_1', amount: '1200' } });
// @ts-expect-error reason is required
billing('invoice.voided', { invoice: { id: 'inv_1' } });
// @ts-expect-error undeclared type
billing('invoice.refunded', {});

// A host that declares no payload map may trigger any string with any plain object.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
declare const untyped: TriggerOver<{}>;
untyped('invoice.paid', { anything: [1, 2, 3] });
untyped(`report.${'ready' as string}`, {});
// @ts-expect-error data must still be an object
untyped('invoice.paid', 'text');
