import type { WebhookEventDefinition } from 'nest-webhooks';

/** The event types billing emits, declared where they are triggered. */
export const invoiceEvents: WebhookEventDefinition[] = [
  {
    type: 'invoice.paid',
    category: 'invoice',
    description: 'An invoice was paid',
    samplePayload: { invoice: { id: 'inv_1', number: 'INV-1', amount: 1200 } },
  },
];

// The same types for the compiler: triggerEvent then takes these types only, each with its data.
declare module 'nest-webhooks' {
  interface WebhookEventPayloads {
    'invoice.paid': { invoice: { id: string; number: string; amount: number } };
  }
}
