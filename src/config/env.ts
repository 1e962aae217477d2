import ipaddr from 'ipaddr.js';
import { isAllowedHostEntry, isRedisClusterNode, isSecretEncryptionKey } from '../modules/webhooks';

/**
 * Every environment variable of the service, parsed and validated once at boot.
 * An invalid value stops the process with a message naming the variable.
 */
export interface AppEnv {
  NODE_ENV: 'development' | 'production' | 'test';
  PORT: number;
  /** Address the API listens on: loopback unless told otherwise (0.0.0.0 behind a proxy). */
  HOST: string;
  DATABASE_URL: string;
  REDIS_URL: string;
  /** Seeds (`host:port`) of a Redis Cluster; when given, every Redis use goes there. */
  REDIS_CLUSTER_NODES: string[];
  /** Delivery queues (each its own hash slot on a cluster). */
  QUEUE_SHARDS: number;
  QUEUE_PREFIX: string;
  JWT_SECRET: string;
  DB_MIGRATIONS_RUN: boolean;
  WEBHOOK_ALLOW_PRIVATE_URLS: boolean;
  WEBHOOK_ALLOWED_HOSTS: string[];
  WEBHOOK_REQUIRE_HTTPS: boolean;
  WEBHOOK_WORKER_CONCURRENCY: number;
  WORKER_ENABLED: boolean;
  API_ENABLED: boolean;
  /** Lowest level logged (JSON lines on stdout); `silent` logs nothing. */
  LOG_LEVEL: LogLevel;
  WEBHOOK_LOG_RETENTION_DAYS: number;
  WEBHOOK_DISABLE_AFTER_FAILURES: number;
  WEBHOOK_DISABLE_AFTER_HOURS: number;
  /** Webhooks a tenant may have, disabled ones included; one event fans out to at most this many. */
  WEBHOOK_MAX_PER_TENANT: number;
  WEBHOOK_SECRET_ENCRYPTION_KEY: string;
  /** Previous encryption keys, still accepted for decryption during a key rotation. */
  WEBHOOK_SECRET_DECRYPTION_KEYS: string[];
  /**
   * Origin of the portal links (`https://app.example.com`, no trailing "/"). Unset: the
   * module's default, `http://127.0.0.1:<the port the API listens on>` (PORT).
   */
  PUBLIC_URL: string | undefined;
  /** Names of variables left at an insecure development default, for a boot warning. */
  insecureDefaults: string[];
}

export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789';
export const DEV_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type Raw = Record<string, string | undefined>;

const ENCRYPTION_KEY_RULE = 'must be 32 bytes encoded as base64 (openssl rand -base64 32)';

export class EnvValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'EnvValidationError';
  }
}

export function parseEnv(raw: Raw): AppEnv {
  const problems: string[] = [];
  /** Parsers throw an Error whose message says what the value must be. */
  const read = <T>(name: string, fallback: T, parse: (value: string) => T): T => {
    const value = raw[name]?.trim();
    if (value === undefined || value === '') return fallback;
    try {
      return parse(value);
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message} (got "${withoutPassword(value)}")`);
      return fallback;
    }
  };

  const nodeEnv = read<AppEnv['NODE_ENV']>('NODE_ENV', 'development', (v) => {
    if (v === 'development' || v === 'production' || v === 'test') return v;
    throw new Error('must be development, production or test');
  });
  const production = nodeEnv === 'production';
  const insecureDefaults: string[] = [];
  const secretOrDefault = (name: string, fallback: string, check: (v: string) => string | null) => {
    const value = raw[name]?.trim();
    if (value) {
      const problem = check(value);
      if (problem) problems.push(`${name}: ${problem}`);
      return value;
    }
    if (production) problems.push(`${name}: required when NODE_ENV=production`);
    insecureDefaults.push(name);
    return fallback;
  };
  /** Comma-separated encryption keys; a problem names the entry's position, never its value. */
  const keyList = (name: string): string[] => {
    const keys = (raw[name] ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean);
    const invalid = keys.flatMap((key, index) => (isSecretEncryptionKey(key) ? [] : [index + 1]));
    if (invalid.length > 0) {
      const which = `${invalid.length > 1 ? 'keys' : 'key'} ${invalid.join(', ')} of ${keys.length}`;
      problems.push(`${name}: ${which} ${ENCRYPTION_KEY_RULE}`);
    }
    return keys;
  };

  const env: AppEnv = {
    NODE_ENV: nodeEnv,
    PORT: read('PORT', 3000, integer(1, 65535)),
    HOST: read('HOST', '127.0.0.1', listenHost),
    DATABASE_URL: read(
      'DATABASE_URL',
      'postgres://postgres@127.0.0.1:5432/webhooks',
      url(['postgres:', 'postgresql:']),
    ),
    REDIS_URL: read('REDIS_URL', 'redis://127.0.0.1:6379', url(['redis:', 'rediss:'])),
    REDIS_CLUSTER_NODES: read('REDIS_CLUSTER_NODES', [] as string[], clusterNodeList),
    QUEUE_SHARDS: read('QUEUE_SHARDS', 1, integer(1, 64)),
    QUEUE_PREFIX: read(
      'QUEUE_PREFIX',
      'webhooks',
      matching(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, "_", "." and "-" only, at most 64'),
    ),
    JWT_SECRET: secretOrDefault('JWT_SECRET', DEV_JWT_SECRET, (v) =>
      v.length >= 32 ? null : 'must be at least 32 characters',
    ),
    DB_MIGRATIONS_RUN: read('DB_MIGRATIONS_RUN', true, boolean),
    WEBHOOK_ALLOW_PRIVATE_URLS: read('WEBHOOK_ALLOW_PRIVATE_URLS', false, boolean),
    WEBHOOK_ALLOWED_HOSTS: read('WEBHOOK_ALLOWED_HOSTS', [] as string[], hostList),
    WEBHOOK_REQUIRE_HTTPS: read('WEBHOOK_REQUIRE_HTTPS', production, boolean),
    WEBHOOK_WORKER_CONCURRENCY: read('WEBHOOK_WORKER_CONCURRENCY', 50, integer(1, 1000)),
    WORKER_ENABLED: read('WORKER_ENABLED', true, boolean),
    API_ENABLED: read('API_ENABLED', true, boolean),
    LOG_LEVEL: read<LogLevel>('LOG_LEVEL', 'info', (v) => {
      if ((LOG_LEVELS as readonly string[]).includes(v)) return v as LogLevel;
      throw new Error(`must be one of ${LOG_LEVELS.join(', ')}`);
    }),
    WEBHOOK_LOG_RETENTION_DAYS: read('WEBHOOK_LOG_RETENTION_DAYS', 30, integer(1, 3650)),
    WEBHOOK_DISABLE_AFTER_FAILURES: read(
      'WEBHOOK_DISABLE_AFTER_FAILURES',
      20,
      integer(1, 1_000_000),
    ),
    WEBHOOK_DISABLE_AFTER_HOURS: read('WEBHOOK_DISABLE_AFTER_HOURS', 24, number(0, 24 * 365)),
    WEBHOOK_MAX_PER_TENANT: read('WEBHOOK_MAX_PER_TENANT', 50, integer(1, 10_000)),
    WEBHOOK_SECRET_ENCRYPTION_KEY: secretOrDefault(
      'WEBHOOK_SECRET_ENCRYPTION_KEY',
      DEV_ENCRYPTION_KEY,
      (v) => (isSecretEncryptionKey(v) ? null : ENCRYPTION_KEY_RULE),
    ),
    WEBHOOK_SECRET_DECRYPTION_KEYS: keyList('WEBHOOK_SECRET_DECRYPTION_KEYS'),
    PUBLIC_URL: read<string | undefined>('PUBLIC_URL', undefined, origin),
    insecureDefaults,
  };
  // Off loopback, anyone who reaches the port could use the published development secrets
  // (mint admin tokens with the JWT one). Production requires them anyway.
  if (!production && env.API_ENABLED && !isLoopback(env.HOST)) {
    for (const name of insecureDefaults) {
      problems.push(
        `${name}: must be set when HOST=${env.HOST} is not a loopback address (the development default is public)`,
      );
    }
  }
  if (!env.WORKER_ENABLED && !env.API_ENABLED) {
    problems.push('WORKER_ENABLED / API_ENABLED: at least one role must be enabled');
  }
  if (problems.length > 0) throw new EnvValidationError(problems);
  return env;
}

/** Hostnames, IP addresses and CIDRs, comma-separated. */
function hostList(value: string): string[] {
  const hosts = value
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter(Boolean);
  const invalid = hosts.filter((host) => !isAllowedHostEntry(host));
  if (invalid.length > 0) {
    throw new Error(`not hostnames, IP addresses or CIDRs: ${invalid.join(', ')}`);
  }
  return hosts;
}

/** `host:port` seeds, comma-separated. */
function clusterNodeList(value: string): string[] {
  const nodes = value
    .split(',')
    .map((node) => node.trim().toLowerCase())
    .filter(Boolean);
  const invalid = nodes.filter((node) => !isRedisClusterNode(node));
  if (invalid.length > 0) throw new Error(`not host:port entries: ${invalid.join(', ')}`);
  return nodes;
}

/** An IP address or a hostname to listen on. */
function listenHost(value: string): string {
  const host = value.toLowerCase();
  if (!host.includes('/') && isAllowedHostEntry(host)) return host;
  throw new Error('must be an IP address or a hostname, e.g. 127.0.0.1 or 0.0.0.0');
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  return ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback';
}

function withoutPassword(value: string): string {
  try {
    const url = new URL(value);
    if (!url.password) return value;
    url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
}

function boolean(value: string): boolean {
  const normalized = value.toLowerCase();
  if (normalized === 'true' || normalized === '1') return true;
  if (normalized === 'false' || normalized === '0') return false;
  throw new Error('must be true or false');
}

function integer(min: number, max: number) {
  return (value: string): number => {
    const parsed = /^-?\d+$/.test(value) ? Number(value) : NaN;
    if (Number.isSafeInteger(parsed) && parsed >= min && parsed <= max) return parsed;
    throw new Error(`must be an integer from ${min} to ${max}`);
  };
}

function number(min: number, max: number) {
  return (value: string): number => {
    const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
    if (parsed >= min && parsed <= max) return parsed;
    throw new Error(`must be a number from ${min} to ${max}`);
  };
}

function matching(pattern: RegExp, rule: string) {
  return (value: string): string => {
    if (pattern.test(value)) return value;
    throw new Error(rule);
  };
}

/** `https://host[:port]`, a trailing "/" dropped; nothing else (no path, query or user). */
function origin(value: string): string {
  const trimmed = value.replace(/\/+$/, '');
  let parsed: URL | null = null;
  try {
    parsed = new URL(trimmed);
  } catch {
    // Reported below with the rule.
  }
  if (parsed && ['http:', 'https:'].includes(parsed.protocol) && parsed.origin === trimmed) {
    return trimmed;
  }
  throw new Error('must be an http(s) origin such as https://app.example.com (no path)');
}

function url(protocols: string[]) {
  return (value: string): string => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new Error('not a valid URL');
    }
    if (protocols.includes(parsed.protocol)) return value;
    throw new Error(`must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  };
}
