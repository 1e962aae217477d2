/** The BullMQ queue that schedules deliveries; jobs carry a log id, never payloads or secrets. */
export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';
