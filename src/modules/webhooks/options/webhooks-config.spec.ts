import { WebhooksConfig, WebhooksOptionsError } from './webhooks-config';
import { WebhooksModuleOptions } from './webhooks-module-options';

const KEY = Buffer.alloc(32, 3).toString('base64');
const valid: WebhooksModuleOptions = {
  redis: { url: 'redis://127.0.0.1:6379' },
  secretEncryptionKey: KEY,
  tenant: () => 'org_1',
};

const problemsOf = (options: unknown): string[] => {
  try {
    WebhooksConfig.from(options as WebhooksModuleOptions);
  } catch (error) {
    if (error instanceof WebhooksOptionsError) return error.problems;
    throw error;
  }
  return [];
};

describe('WebhooksConfig', () => {
  it('applies every default to the three required options', async () => {
    const config = WebhooksConfig.from(valid);
    expect(config).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      redisClusterNodes: [],
      queueShards: 1,
      queuePrefix: 'webhooks',
      secretDecryptionKeys: [],
      workerEnabled: true,
      workerConcurrency: 50,
      routePrefix: 'api/v1',
      portalPath: '/portal',
      publicUrl: undefined,
      portalFrameAncestors: [],
      allowPrivateUrls: false,
      allowedHosts: [],
      requireHttps: true,
      logRetentionDays: 30,
      disableAfterFailures: 20,
      disableAfterHours: 24,
      maxWebhooksPerTenant: 50,
      events: [],
    });
    expect(config.metrics).toBeUndefined();
    // Nobody is an admin unless the host says so.
    expect(await config.isAdmin({})).toBe(false);
  });

  it('keeps what the host set, normalising the route prefix and the hosts', () => {
    const config = WebhooksConfig.from({
      ...valid,
      queuePrefix: 'billing-webhooks',
      routePrefix: '/v2/',
      portalPath: 'tenants/webhooks/',
      publicUrl: 'https://app.example.com/',
      portalFrameAncestors: ['https://app.example.com'],
      allowedHosts: [' Hooks.Example.COM ', '10.0.0.0/8'],
      worker: { enabled: false, concurrency: 4 },
      autoDisable: { afterFailures: 3, afterHours: 0.5 },
    });
    expect(config).toMatchObject({
      queuePrefix: 'billing-webhooks',
      routePrefix: 'v2',
      portalPath: '/tenants/webhooks',
      publicUrl: 'https://app.example.com',
      portalFrameAncestors: ['https://app.example.com'],
      allowedHosts: ['hooks.example.com', '10.0.0.0/8'],
      workerEnabled: false,
      workerConcurrency: 4,
      disableAfterFailures: 3,
      disableAfterHours: 0.5,
    });
    expect(WebhooksConfig.from({ ...valid, routePrefix: '' }).routePrefix).toBe('');
  });

  it('reads Redis Cluster seeds, which make redis.url optional, and the shard count', () => {
    const config = WebhooksConfig.from({
      ...valid,
      redis: { clusterNodes: ['10.0.0.5:7000', ' Redis-1.Internal:7001', '[::1]:7002'] },
      queueShards: 4,
    });
    expect(config.redisClusterNodes).toEqual([
      { host: '10.0.0.5', port: 7000 },
      { host: 'redis-1.internal', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(config.queueShards).toBe(4);
  });

  it.each<[string, Partial<Record<keyof WebhooksModuleOptions, unknown>>, string]>([
    ['a missing Redis URL', { redis: undefined }, 'redis.url: must be a redis:// or rediss:// URL'],
    [
      'an http Redis URL',
      { redis: { url: 'http://x' } },
      'redis.url: must be a redis:// or rediss:// URL',
    ],
    ['an empty seed list and no URL', { redis: { clusterNodes: [] } }, 'redis.url: must be'],
    [
      'a seed without a port',
      { redis: { clusterNodes: ['10.0.0.5'] } },
      'redis.clusterNodes: must be a list of host:port entries',
    ],
    [
      'seeds as one string',
      { redis: { url: 'redis://x', clusterNodes: 'a:1,b:2' } },
      'redis.clusterNodes: must be a list of host:port entries',
    ],
    [
      'a seed port out of range',
      { redis: { clusterNodes: ['a:1', 'b:70000'] } },
      'redis.clusterNodes: must be a list',
    ],
    ['no shards', { queueShards: 0 }, 'queueShards: must be an integer from 1 to 64'],
    ['too many shards', { queueShards: 65 }, 'queueShards: must be an integer from 1 to 64'],
    ['fractional shards', { queueShards: 1.5 }, 'queueShards: must be an integer'],
    ['a short key', { secretEncryptionKey: 'c2hvcnQ=' }, 'secretEncryptionKey: must be 32 bytes'],
    [
      'a bad old key',
      { secretDecryptionKeys: [KEY, 'nope'] },
      'secretDecryptionKeys: each key must be 32 bytes',
    ],
    ['no tenant resolver', { tenant: 'org_1' }, 'tenant: must be a function'],
    ['an isAdmin that is not a function', { isAdmin: true }, 'isAdmin: must be a function'],
    ['a prefix with a colon', { queuePrefix: 'a:b' }, 'queuePrefix: letters, digits'],
    ['a route prefix with a query', { routePrefix: 'api?x=1' }, 'routePrefix: path segments'],
    [
      'concurrency 0',
      { worker: { concurrency: 0 } },
      'worker.concurrency: must be an integer from 1 to 1000',
    ],
    ['a string flag', { requireHttps: 'false' }, 'requireHttps: must be true or false'],
    ['a bad host', { allowedHosts: ['exa mple.com'] }, 'allowedHosts: each entry must be'],
    [
      'zero retention',
      { logRetentionDays: 0 },
      'logRetentionDays: must be an integer from 1 to 3650',
    ],
    ['fractional failures', { autoDisable: { afterFailures: 1.5 } }, 'autoDisable.afterFailures'],
    ['negative hours', { autoDisable: { afterHours: -1 } }, 'autoDisable.afterHours'],
    ['no webhooks allowed', { maxWebhooksPerTenant: 0 }, 'maxWebhooksPerTenant'],
    ['events that are not a list', { events: {} }, 'events: must be an array'],
    ['a worker flag instead of a group', { worker: false }, 'worker: must be an object'],
    ['a list of auto-disable values', { autoDisable: [3] }, 'autoDisable: must be an object'],
    ['hosts as one string', { allowedHosts: 'a.com,b.com' }, 'allowedHosts: each entry must be'],
    ['a numeric route prefix', { routePrefix: 42 }, 'routePrefix: path segments'],
    ['the root as portal path', { portalPath: '/' }, 'portalPath: path segments'],
    ['a portal path with a fragment', { portalPath: '/p#x' }, 'portalPath: path segments'],
    ['a public URL with a path', { publicUrl: 'https://a.com/app' }, 'publicUrl: must be an http'],
    ['a public URL that is not http', { publicUrl: 'ftp://a.com' }, 'publicUrl: must be an http'],
    [
      'a frame ancestor with a path',
      { portalFrameAncestors: ['https://a.com/x'] },
      'portalFrameAncestors: each entry',
    ],
    [
      'a registry that is not one',
      { metrics: { registry: {} } },
      'metrics.registry: must be a prom-client Registry',
    ],
  ])('refuses %s, naming the option', (_, change, problem) => {
    const problems = problemsOf({ ...valid, ...change });
    expect(problems).toEqual([expect.stringContaining(problem)]);
  });

  it('lists every problem at once, in one error that never shows a key', () => {
    const secret = Buffer.alloc(31, 9).toString('base64');
    let error: unknown;
    try {
      WebhooksConfig.from({
        ...valid,
        secretEncryptionKey: secret,
        queuePrefix: '',
        routePrefix: '?',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WebhooksOptionsError);
    const { message, problems } = error as WebhooksOptionsError;
    expect(problems).toHaveLength(3);
    expect(message).toMatch(/^Invalid WebhooksModule options:\n {2}- queuePrefix: /);
    expect(message).toContain('\n  - secretEncryptionKey: must be 32 bytes');
    expect(message).not.toContain(secret);
  });

  it('refuses options that are not an object', () => {
    expect(problemsOf(undefined)).toEqual(['options: must be an object']);
  });
});
