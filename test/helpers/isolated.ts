import type { WebhooksService } from '../../src/modules/webhooks/webhooks.service';
import type { ProviderOverride, TestApp } from './test-app';

/**
 * Runs `body` against a fresh copy of every module, with `env` set while it is imported.
 * The configuration is read when AppModule is first imported, so a test that needs other
 * settings imports the app (and any class it asks the app for) inside `body`.
 */
export async function withIsolatedModules<T>(
  env: Record<string, string>,
  body: () => Promise<T>,
): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    let result!: T;
    await jest.isolateModulesAsync(async () => {
      result = await body();
    });
    return result;
  } finally {
    process.env = saved;
  }
}

/** The app built with `env` (imported afresh), and its WebhooksService. */
export function createIsolatedTestApp(
  env: Record<string, string>,
  overrides: () => Promise<ProviderOverride[]> = async () => [],
): Promise<{ t: TestApp; webhooks: WebhooksService }> {
  return withIsolatedModules(env, async () => {
    const { createTestApp } = await import('./test-app');
    const { WebhooksService } = await import('../../src/modules/webhooks/webhooks.service');
    const t = await createTestApp(await overrides());
    return { t, webhooks: t.app.get(WebhooksService) };
  });
}
