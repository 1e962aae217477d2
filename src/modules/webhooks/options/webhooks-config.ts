import { AdminResolver, TenantResolver, WebhooksModuleOptions } from './webhooks-module-options';
import { WebhookEventDefinition } from '../events/event-definition';
import {
  ENCRYPTION_KEY_RULE,
  isAllowedHostEntry,
  isSecretEncryptionKey,
  parseClusterNode,
} from './option-rules';
import type { ClusterNode } from './option-rules';

export type { ClusterNode } from './option-rules';

export class WebhooksOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid WebhooksModule options:\n  - ${problems.join('\n  - ')}`);
    this.name = 'WebhooksOptionsError';
  }
}

export const MAX_QUEUE_SHARDS = 64;
const QUEUE_PREFIX = /^[A-Za-z0-9_.-]{1,64}$/;
const ROUTE_PREFIX = /^[A-Za-z0-9_.~-]+(\/[A-Za-z0-9_.~-]+)*$/;

/**
 * The module's options, validated, with every default applied: the only configuration the
 * module's code reads. Built once per module instance by `WebhooksConfig.from`.
 */
export class WebhooksConfig {
  /** Unused (and possibly absent) when redisClusterNodes is set. */
  readonly redisUrl: string;
  /** Seeds of a Redis Cluster (`host:port`); empty for a single Redis at redisUrl. */
  readonly redisClusterNodes: ClusterNode[];
  readonly queueShards: number;
  readonly queuePrefix: string;
  readonly secretEncryptionKey: string;
  readonly secretDecryptionKeys: string[];
  readonly tenant: TenantResolver;
  readonly isAdmin: AdminResolver;
  readonly workerEnabled: boolean;
  readonly workerConcurrency: number;
  /** '' for no prefix. */
  readonly routePrefix: string;
  /** Leading "/", no trailing one: `/portal`. */
  readonly portalPath: string;
  /** An origin without trailing "/"; undefined: the address the app listens on. */
  readonly publicUrl: string | undefined;
  readonly portalFrameAncestors: string[];
  readonly allowPrivateUrls: boolean;
  readonly allowedHosts: string[];
  readonly requireHttps: boolean;
  readonly logRetentionDays: number;
  readonly disableAfterFailures: number;
  readonly disableAfterHours: number;
  readonly maxWebhooksPerTenant: number;
  readonly events: WebhookEventDefinition[];
  readonly metrics?: WebhooksModuleOptions['metrics'];

  private constructor(options: WebhooksModuleOptions, problems: string[]) {
    const check = <T>(name: string, value: T, ok: (value: T) => boolean, rule: string): T => {
      if (!ok(value)) problems.push(`${name}: ${rule}`);
      return value;
    };
    const integer = (name: string, value: unknown, fallback: number, min: number, max: number) =>
      check(
        name,
        value ?? fallback,
        (v) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max,
        `must be an integer from ${min} to ${max}`,
      ) as number;
    const flag = (name: string, value: unknown, fallback: boolean) =>
      check(
        name,
        value ?? fallback,
        (v) => typeof v === 'boolean',
        'must be true or false',
      ) as boolean;
    /** A nested group (`worker`, `autoDisable`, …): absent, or a plain object. */
    const group = <T extends object>(name: string, value: T | undefined): Partial<T> =>
      check(
        name,
        value ?? {},
        (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
        'must be an object',
      ) as Partial<T>;
    const worker = group('worker', options.worker);
    const autoDisable = group('autoDisable', options.autoDisable);
    const fn = <T>(name: string, value: unknown, fallback?: T) =>
      check(name, value ?? fallback, (v) => typeof v === 'function', 'must be a function') as T;

    const redis = group('redis', options.redis);
    this.redisClusterNodes = clusterNodesOf(redis.clusterNodes, problems);
    // Seeds given (valid or not) make the URL optional; a bad seed is its own problem.
    const onCluster = Array.isArray(redis.clusterNodes) && redis.clusterNodes.length > 0;
    this.redisUrl = check(
      'redis.url',
      redis.url as string,
      (url) => isRedisUrl(url) || (url === undefined && onCluster),
      'must be a redis:// or rediss:// URL, unless redis.clusterNodes is set',
    );
    this.queueShards = integer('queueShards', options.queueShards, 1, 1, MAX_QUEUE_SHARDS);
    this.queuePrefix = check(
      'queuePrefix',
      options.queuePrefix ?? 'webhooks',
      (v) => typeof v === 'string' && QUEUE_PREFIX.test(v),
      'letters, digits, "_", "." and "-" only, at most 64',
    );
    this.secretEncryptionKey = check(
      'secretEncryptionKey',
      options.secretEncryptionKey,
      (v) => typeof v === 'string' && isSecretEncryptionKey(v),
      ENCRYPTION_KEY_RULE,
    );
    this.secretDecryptionKeys = check(
      'secretDecryptionKeys',
      options.secretDecryptionKeys ?? [],
      (v) =>
        Array.isArray(v) && v.every((key) => typeof key === 'string' && isSecretEncryptionKey(key)),
      `each key ${ENCRYPTION_KEY_RULE}`,
    );
    this.tenant = fn<TenantResolver>('tenant', options.tenant);
    this.isAdmin = fn<AdminResolver>('isAdmin', options.isAdmin, () => false);
    this.workerEnabled = flag('worker.enabled', worker.enabled, true);
    this.workerConcurrency = integer('worker.concurrency', worker.concurrency, 50, 1, 1000);
    this.routePrefix = check(
      'routePrefix',
      typeof options.routePrefix === 'string' || options.routePrefix === undefined
        ? (options.routePrefix ?? 'api/v1').replace(/^\/+|\/+$/g, '')
        : options.routePrefix,
      (v) => typeof v === 'string' && (v === '' || ROUTE_PREFIX.test(v)),
      'path segments of letters, digits, "_", ".", "~" and "-", separated by "/"',
    );
    this.portalPath = check(
      'portalPath',
      typeof options.portalPath === 'string' || options.portalPath === undefined
        ? `/${(options.portalPath ?? 'portal').replace(/^\/+|\/+$/g, '')}`
        : options.portalPath,
      (v) => typeof v === 'string' && ROUTE_PREFIX.test(v.slice(1)),
      'path segments of letters, digits, "_", ".", "~" and "-", separated by "/"',
    );
    this.publicUrl = check(
      'publicUrl',
      typeof options.publicUrl === 'string'
        ? options.publicUrl.replace(/\/+$/, '')
        : options.publicUrl,
      (v) => v === undefined || isOrigin(v),
      'must be an http(s) origin such as https://app.example.com (no path)',
    );
    this.portalFrameAncestors = check(
      'portalFrameAncestors',
      options.portalFrameAncestors ?? [],
      (v) => Array.isArray(v) && v.every(isOrigin),
      'each entry must be an http(s) origin such as https://app.example.com',
    );
    this.allowPrivateUrls = flag('allowPrivateUrls', options.allowPrivateUrls, false);
    this.allowedHosts = check(
      'allowedHosts',
      Array.isArray(options.allowedHosts ?? [])
        ? (options.allowedHosts ?? []).map((host) => String(host).trim().toLowerCase())
        : (options.allowedHosts as string[]),
      (hosts) => Array.isArray(hosts) && hosts.every(isAllowedHostEntry),
      'each entry must be a hostname, an IP address or a CIDR',
    );
    this.requireHttps = flag('requireHttps', options.requireHttps, true);
    this.logRetentionDays = integer('logRetentionDays', options.logRetentionDays, 30, 1, 3650);
    this.disableAfterFailures = integer(
      'autoDisable.afterFailures',
      autoDisable.afterFailures,
      20,
      1,
      1_000_000,
    );
    this.disableAfterHours = check(
      'autoDisable.afterHours',
      autoDisable.afterHours ?? 24,
      (v) => typeof v === 'number' && v >= 0 && v <= 24 * 365,
      'must be a number of hours from 0 to 8760',
    );
    this.maxWebhooksPerTenant = integer(
      'maxWebhooksPerTenant',
      options.maxWebhooksPerTenant,
      50,
      1,
      10_000,
    );
    this.events = check('events', options.events ?? [], Array.isArray, 'must be an array');
    this.metrics = check(
      'metrics.registry',
      options.metrics,
      (v) => v === undefined || typeof v?.registry?.registerMetric === 'function',
      'must be a prom-client Registry',
    );
  }

  /** Validates the options; throws WebhooksOptionsError listing every problem. */
  static from(options: WebhooksModuleOptions): WebhooksConfig {
    if (typeof options !== 'object' || options === null) {
      throw new WebhooksOptionsError(['options: must be an object']);
    }
    const problems: string[] = [];
    const config = new WebhooksConfig(options, problems);
    if (problems.length > 0) throw new WebhooksOptionsError(problems);
    return config;
  }
}

/** redis.clusterNodes: absent, or a list of `host:port` seeds. */
function clusterNodesOf(value: unknown, problems: string[]): ClusterNode[] {
  if (value === undefined) return [];
  const nodes = Array.isArray(value) ? value.map(parseClusterNode) : [null];
  if (nodes.some((node) => node === null)) {
    problems.push('redis.clusterNodes: must be a list of host:port entries');
    return [];
  }
  return nodes as ClusterNode[];
}

/** `https://host[:port]`: what a URL's origin is, nothing more. */
function isOrigin(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return ['http:', 'https:'].includes(url.protocol) && url.origin === value;
  } catch {
    return false;
  }
}

function isRedisUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return ['redis:', 'rediss:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
