import type { Registry } from 'prom-client';
import type { WebhookEventDefinition } from '../events/event-definition';

/**
 * Who calls a route of the module: the tenant id (1..255 characters) of an HTTP request that
 * the host's authentication has already seen. Falsy: the request is answered 401. It may throw
 * the host's own HttpException (answered as it says).
 */
export type TenantResolver = (
  request: any, // eslint-disable-line @typescript-eslint/no-explicit-any -- the host's request type
) => string | null | undefined | Promise<string | null | undefined>;

/** Whether a request may use the queue admin routes (all tenants). */
export type AdminResolver = (request: any) => boolean | Promise<boolean>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Everything WebhooksModule reads; validated at boot (a bad value stops it, naming the option). */
export interface WebhooksModuleOptions {
  /**
   * Redis for the delivery queue, rate limits and locks: one server at `url`, or a Redis
   * Cluster reached through the `clusterNodes` seeds (`host:port`), which then replace `url`.
   */
  redis: { url?: string; clusterNodes?: string[] };
  /**
   * Delivery queues, 1..64, default 1; each is its own hash slot on a cluster. A webhook's
   * deliveries always go to the same one.
   */
  queueShards?: number;
  /** BullMQ key prefix of the module's queues; default `webhooks`. */
  queuePrefix?: string;
  /** Base64 of 32 bytes: encrypts webhook secrets at rest (AES-256-GCM). */
  secretEncryptionKey: string;
  /** Earlier keys, still accepted for decryption during a key rotation. */
  secretDecryptionKeys?: string[];
  tenant: TenantResolver;
  /** Default: nobody is an admin. */
  isAdmin?: AdminResolver;
  /** The delivery worker, outbox relay and log retention; default enabled, concurrency 50. */
  worker?: { enabled?: boolean; concurrency?: number };
  /** Routes mount at `<routePrefix>/webhooks…`; default `api/v1`. */
  routePrefix?: string;
  /** Path of the tenant portal page (contract §9); default `/portal`. */
  portalPath?: string;
  /**
   * Origin of portal session URLs (`<publicUrl><portalPath>#token=…`), e.g.
   * `https://app.example.com`; default `http://127.0.0.1:<port the app listens on>`.
   */
  publicUrl?: string;
  /**
   * Origins allowed to show the portal in a frame (CSP `frame-ancestors`); default none but
   * the page's own origin. E.g. `['https://app.example.com']` to embed it in an iframe.
   */
  portalFrameAncestors?: string[];
  /** Allow endpoints on private, loopback and link-local addresses; default false. */
  allowPrivateUrls?: boolean;
  /** Hostnames, IPs or CIDRs allowed even when private. */
  allowedHosts?: string[];
  /** Refuse http:// endpoints; default true. */
  requireHttps?: boolean;
  /** Days a delivery log is kept; default 30. */
  logRetentionDays?: number;
  /** A webhook is disabled after this many failed deliveries in a row spanning this many hours. */
  autoDisable?: { afterFailures?: number; afterHours?: number };
  /** Webhooks a tenant may have, disabled ones included; default 50. */
  maxWebhooksPerTenant?: number;
  /** Event types declared by the host itself (producer modules use forFeature). */
  events?: WebhookEventDefinition[];
  /** Register the module's Prometheus metrics on this registry; default: not exported. */
  metrics?: { registry: Registry };
}
