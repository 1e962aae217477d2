import { WebhooksService } from '../../src/modules/webhooks/webhooks.service';
import { TestReceiver } from './receiver';
import { createTestApp, ProviderOverride, TestApp, webhookBody } from './test-app';
import { waitUntil } from './waiting';

export const WEBHOOKS_BASE = '/api/v1/webhooks';

/** Retries a few hundred milliseconds apart, so a retried delivery settles within a test. */
export const FAST_RETRIES = {
  maxAttempts: 3,
  backoff: 'fixed',
  initialDelayMs: 100,
  maxDelayMs: 1000,
};
export const ONE_ATTEMPT = { ...FAST_RETRIES, maxAttempts: 1 };

export interface RegisteredWebhook {
  id: string;
  /** The plain signing secret, as the create route answered it. */
  secret: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
export type LogBody = { id: string; status: string; [field: string]: any };
export interface LogPage {
  data: LogBody[];
  meta: { total: number; page: number; limit: number };
}

/**
 * The whole pipeline for e2e delivery specs: the real app (API and worker), a real receiver,
 * and the steps every such spec repeats: register a webhook pointing at a receiver path, then
 * wait (through the API) until its deliveries are final.
 */
export interface DeliveryPipeline {
  t: TestApp;
  receiver: TestReceiver;
  webhooks: WebhooksService;
  /** Creates a webhook at `receiver.url(path)` through the API, with the default retry policy. */
  register(
    tenantId: string,
    path: string,
    overrides?: Record<string, unknown>,
  ): Promise<RegisteredWebhook>;
  /** Waits until the webhook has logs matching `query` and all of them are final. */
  finalLogs(tenantId: string, webhookId: string, query?: string): Promise<LogPage>;
  close(): Promise<void>;
}

export async function startDeliveryPipeline(
  options: { retryPolicy?: object; overrides?: ProviderOverride[] } = {},
): Promise<DeliveryPipeline> {
  const t = await createTestApp(options.overrides);
  const receiver = await TestReceiver.start();
  const retryPolicy = options.retryPolicy ?? FAST_RETRIES;
  return {
    t,
    receiver,
    webhooks: t.app.get(WebhooksService),
    async register(tenantId, path, overrides = {}) {
      const res = await t
        .as(tenantId)
        .post(WEBHOOKS_BASE, webhookBody({ url: receiver.url(path), retryPolicy, ...overrides }))
        .expect(201);
      return res.body as RegisteredWebhook;
    },
    finalLogs: (tenantId, webhookId, query = '') =>
      waitUntil(
        async () =>
          (await t.as(tenantId).get(`${WEBHOOKS_BASE}/${webhookId}/logs${query}`).expect(200))
            .body as LogPage,
        (page) =>
          page.data.length > 0 &&
          page.data.every((log) => log.status === 'success' || log.status === 'failed'),
      ),
    async close() {
      await t.close();
      await receiver.close();
    },
  };
}
