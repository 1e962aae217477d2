import { Registry } from 'prom-client';
import { ADMIN_ROLE } from '../common/auth/auth-context';
import { AuthenticatedRequest, JwtAuthGuard } from '../common/auth/jwt-auth.guard';
import type { WebhooksModuleOptions } from '../modules/webhooks';
import { AppEnv } from './env';

/** The variables of §1 that configure the webhooks module. */
export const WEBHOOKS_ENV = [
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'QUEUE_SHARDS',
  'QUEUE_PREFIX',
  'WEBHOOK_SECRET_ENCRYPTION_KEY',
  'WEBHOOK_SECRET_DECRYPTION_KEYS',
  'WORKER_ENABLED',
  'WEBHOOK_WORKER_CONCURRENCY',
  'WEBHOOK_ALLOW_PRIVATE_URLS',
  'WEBHOOK_ALLOWED_HOSTS',
  'WEBHOOK_REQUIRE_HTTPS',
  'WEBHOOK_LOG_RETENTION_DAYS',
  'WEBHOOK_DISABLE_AFTER_FAILURES',
  'WEBHOOK_DISABLE_AFTER_HOURS',
  'WEBHOOK_MAX_PER_TENANT',
  'PUBLIC_URL',
] as const;

/** The example app's environment (contract §1) as the webhooks module's options. */
export function webhooksOptionsFrom(
  env: Pick<AppEnv, (typeof WEBHOOKS_ENV)[number]>,
  auth: JwtAuthGuard,
  registry: Registry,
): WebhooksModuleOptions {
  return {
    // A cluster replaces REDIS_URL (§11).
    redis:
      env.REDIS_CLUSTER_NODES.length > 0
        ? { clusterNodes: env.REDIS_CLUSTER_NODES }
        : { url: env.REDIS_URL },
    queueShards: env.QUEUE_SHARDS,
    queuePrefix: env.QUEUE_PREFIX,
    ...secretKeysOf(env),
    // The app's JWTs (§2): the token's tenantId (a UUID), and the admin role.
    tenant: async (request: AuthenticatedRequest) => (await auth.authenticate(request)).tenantId,
    isAdmin: async (request: AuthenticatedRequest) =>
      (await auth.authenticate(request)).roles.includes(ADMIN_ROLE),
    worker: { enabled: env.WORKER_ENABLED, concurrency: env.WEBHOOK_WORKER_CONCURRENCY },
    routePrefix: 'api/v1',
    allowPrivateUrls: env.WEBHOOK_ALLOW_PRIVATE_URLS,
    allowedHosts: env.WEBHOOK_ALLOWED_HOSTS,
    requireHttps: env.WEBHOOK_REQUIRE_HTTPS,
    logRetentionDays: env.WEBHOOK_LOG_RETENTION_DAYS,
    autoDisable: {
      afterFailures: env.WEBHOOK_DISABLE_AFTER_FAILURES,
      afterHours: env.WEBHOOK_DISABLE_AFTER_HOURS,
    },
    maxWebhooksPerTenant: env.WEBHOOK_MAX_PER_TENANT,
    // Unset: the module links to the address the API listens on.
    publicUrl: env.PUBLIC_URL,
    metrics: { registry },
  };
}

/** The encryption keys, as options and as the re-encryption script reads them. */
export function secretKeysOf(
  env: Pick<AppEnv, 'WEBHOOK_SECRET_ENCRYPTION_KEY' | 'WEBHOOK_SECRET_DECRYPTION_KEYS'>,
): { secretEncryptionKey: string; secretDecryptionKeys: string[] } {
  return {
    secretEncryptionKey: env.WEBHOOK_SECRET_ENCRYPTION_KEY,
    secretDecryptionKeys: env.WEBHOOK_SECRET_DECRYPTION_KEYS,
  };
}
