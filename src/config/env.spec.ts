import { Registry } from 'prom-client';
import { JwtAuthGuard } from '../common/auth/jwt-auth.guard';
import { AppEnv, DEV_ENCRYPTION_KEY, DEV_JWT_SECRET, EnvValidationError, parseEnv } from './env';
import { webhooksOptionsFrom } from './webhooks-options';

const JWT_SECRET = 'a-real-production-jwt-secret-of-48-characters!!';
const ENCRYPTION_KEY = Buffer.alloc(32, 42).toString('base64');
const OLD_KEY_1 = Buffer.alloc(32, 1).toString('base64');
const OLD_KEY_2 = Buffer.alloc(32, 2).toString('base64');

/** The error parseEnv throws for `raw` (fails the test when it does not throw). */
function envError(raw: Record<string, string | undefined>): EnvValidationError {
  try {
    parseEnv(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvValidationError);
    return error as EnvValidationError;
  }
  throw new Error(`parseEnv accepted ${JSON.stringify(raw)}`);
}

describe('parseEnv', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(parseEnv({})).toEqual<AppEnv>({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/webhooks',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_CLUSTER_NODES: [],
      QUEUE_SHARDS: 1,
      QUEUE_PREFIX: 'webhooks',
      JWT_SECRET: DEV_JWT_SECRET,
      DB_MIGRATIONS_RUN: true,
      WEBHOOK_ALLOW_PRIVATE_URLS: false,
      WEBHOOK_ALLOWED_HOSTS: [],
      WEBHOOK_REQUIRE_HTTPS: false,
      WEBHOOK_WORKER_CONCURRENCY: 50,
      WORKER_ENABLED: true,
      API_ENABLED: true,
      LOG_LEVEL: 'info',
      WEBHOOK_LOG_RETENTION_DAYS: 30,
      WEBHOOK_DISABLE_AFTER_FAILURES: 20,
      WEBHOOK_DISABLE_AFTER_HOURS: 24,
      WEBHOOK_MAX_PER_TENANT: 50,
      WEBHOOK_SECRET_ENCRYPTION_KEY: DEV_ENCRYPTION_KEY,
      WEBHOOK_SECRET_DECRYPTION_KEYS: [],
      PUBLIC_URL: undefined,
      insecureDefaults: ['JWT_SECRET', 'WEBHOOK_SECRET_ENCRYPTION_KEY'],
    });
  });

  it('treats empty and blank values as unset and trims the others', () => {
    const env = parseEnv({ PORT: '', REDIS_URL: '   ', QUEUE_PREFIX: ' jobs ', JWT_SECRET: ' ' });
    expect(env.PORT).toBe(3000);
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(env.QUEUE_PREFIX).toBe('jobs');
    expect(env.JWT_SECRET).toBe(DEV_JWT_SECRET);
    expect(env.insecureDefaults).toContain('JWT_SECRET');
  });

  it('parses valid values of every variable', () => {
    const env = parseEnv({
      NODE_ENV: 'test',
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgresql://app:pw@db.internal:5433/hooks',
      REDIS_URL: 'rediss://cache.internal:6380/2',
      REDIS_CLUSTER_NODES: ' Redis-a.internal:7000, 10.0.0.2:7001,[::1]:7002 ',
      QUEUE_SHARDS: '64',
      QUEUE_PREFIX: 'hooks-test_1.a',
      JWT_SECRET,
      DB_MIGRATIONS_RUN: 'false',
      WEBHOOK_ALLOW_PRIVATE_URLS: '1',
      WEBHOOK_ALLOWED_HOSTS: 'hooks.internal',
      WEBHOOK_REQUIRE_HTTPS: 'TRUE',
      WEBHOOK_WORKER_CONCURRENCY: '1000',
      WORKER_ENABLED: '0',
      API_ENABLED: 'True',
      LOG_LEVEL: 'debug',
      WEBHOOK_LOG_RETENTION_DAYS: '3650',
      WEBHOOK_DISABLE_AFTER_FAILURES: '1',
      WEBHOOK_DISABLE_AFTER_HOURS: '0.5',
      WEBHOOK_MAX_PER_TENANT: '10000',
      WEBHOOK_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY,
      WEBHOOK_SECRET_DECRYPTION_KEYS: OLD_KEY_1,
      PUBLIC_URL: 'https://app.example.com:8443/',
    });
    expect(env).toEqual<AppEnv>({
      NODE_ENV: 'test',
      PORT: 8080,
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgresql://app:pw@db.internal:5433/hooks',
      REDIS_URL: 'rediss://cache.internal:6380/2',
      REDIS_CLUSTER_NODES: ['redis-a.internal:7000', '10.0.0.2:7001', '[::1]:7002'],
      QUEUE_SHARDS: 64,
      QUEUE_PREFIX: 'hooks-test_1.a',
      JWT_SECRET,
      DB_MIGRATIONS_RUN: false,
      WEBHOOK_ALLOW_PRIVATE_URLS: true,
      WEBHOOK_ALLOWED_HOSTS: ['hooks.internal'],
      WEBHOOK_REQUIRE_HTTPS: true,
      WEBHOOK_WORKER_CONCURRENCY: 1000,
      WORKER_ENABLED: false,
      API_ENABLED: true,
      LOG_LEVEL: 'debug',
      WEBHOOK_LOG_RETENTION_DAYS: 3650,
      WEBHOOK_DISABLE_AFTER_FAILURES: 1,
      WEBHOOK_DISABLE_AFTER_HOURS: 0.5,
      WEBHOOK_MAX_PER_TENANT: 10000,
      WEBHOOK_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY,
      WEBHOOK_SECRET_DECRYPTION_KEYS: [OLD_KEY_1],
      PUBLIC_URL: 'https://app.example.com:8443',
      insecureDefaults: [],
    });
  });

  describe('rejects an invalid value with a message naming the variable', () => {
    const cases: Array<[string, string]> = [
      ['NODE_ENV', 'staging'],
      ['NODE_ENV', 'Production'],
      ['PORT', '0'],
      ['PORT', '65536'],
      ['PORT', 'http'],
      ['PORT', '3000.5'],
      ['PORT', '-1'],
      ['HOST', 'not a host!'],
      ['HOST', 'http://0.0.0.0'],
      ['HOST', '127.0.0.1:3000'],
      ['DATABASE_URL', 'mysql://root@127.0.0.1/webhooks'],
      ['DATABASE_URL', 'not a url'],
      ['REDIS_URL', 'http://127.0.0.1:6379'],
      ['REDIS_URL', '127.0.0.1:6379'],
      ['REDIS_CLUSTER_NODES', '127.0.0.1'],
      ['REDIS_CLUSTER_NODES', '127.0.0.1:7000,redis://x:7001'],
      ['REDIS_CLUSTER_NODES', 'a:0'],
      ['QUEUE_SHARDS', '0'],
      ['QUEUE_SHARDS', '65'],
      ['QUEUE_SHARDS', 'four'],
      ['QUEUE_PREFIX', 'has space'],
      ['QUEUE_PREFIX', 'a:b'],
      ['QUEUE_PREFIX', 'x'.repeat(65)],
      ['JWT_SECRET', 'too-short'],
      ['DB_MIGRATIONS_RUN', 'yes'],
      ['WEBHOOK_ALLOW_PRIVATE_URLS', 'maybe'],
      ['WEBHOOK_REQUIRE_HTTPS', 'on'],
      ['WEBHOOK_WORKER_CONCURRENCY', '0'],
      ['WEBHOOK_WORKER_CONCURRENCY', '1001'],
      ['WEBHOOK_WORKER_CONCURRENCY', 'ten'],
      ['WORKER_ENABLED', 'nah'],
      ['API_ENABLED', '2'],
      ['LOG_LEVEL', 'verbose'],
      ['LOG_LEVEL', 'INFO'],
      ['WEBHOOK_LOG_RETENTION_DAYS', '0'],
      ['WEBHOOK_LOG_RETENTION_DAYS', '3651'],
      ['WEBHOOK_LOG_RETENTION_DAYS', '7d'],
      ['WEBHOOK_DISABLE_AFTER_FAILURES', '0'],
      ['WEBHOOK_DISABLE_AFTER_FAILURES', '1.5'],
      ['WEBHOOK_DISABLE_AFTER_HOURS', '-1'],
      ['WEBHOOK_DISABLE_AFTER_HOURS', '8761'],
      ['WEBHOOK_DISABLE_AFTER_HOURS', 'a day'],
      ['WEBHOOK_MAX_PER_TENANT', '0'],
      ['WEBHOOK_MAX_PER_TENANT', '10001'],
      ['WEBHOOK_MAX_PER_TENANT', '16.5'],
      ['WEBHOOK_MAX_PER_TENANT', 'unlimited'],
      ['WEBHOOK_SECRET_ENCRYPTION_KEY', 'not base64!'],
      ['WEBHOOK_SECRET_ENCRYPTION_KEY', Buffer.alloc(31, 1).toString('base64')],
      ['WEBHOOK_SECRET_ENCRYPTION_KEY', Buffer.alloc(33, 1).toString('base64')],
      ['WEBHOOK_SECRET_DECRYPTION_KEYS', 'not base64!'],
      ['WEBHOOK_SECRET_DECRYPTION_KEYS', `${OLD_KEY_1},${Buffer.alloc(16, 1).toString('base64')}`],
      ['WEBHOOK_SECRET_DECRYPTION_KEYS', `${OLD_KEY_1};${OLD_KEY_2}`],
      // The contract: "comma-separated hostnames or CIDRs"; an invalid value stops boot.
      ['WEBHOOK_ALLOWED_HOSTS', 'hooks.internal,not a host!'],
      ['WEBHOOK_ALLOWED_HOSTS', '10.0.0.0/33'],
      // An origin only: the portal path is the module's, and the token goes in the fragment.
      ['PUBLIC_URL', 'app.example.com'],
      ['PUBLIC_URL', 'ftp://app.example.com'],
      ['PUBLIC_URL', 'https://app.example.com/portal'],
      ['PUBLIC_URL', 'https://app.example.com?x=1'],
      ['PUBLIC_URL', 'https://user:pw@app.example.com'],
      ['PUBLIC_URL', 'https://'],
    ];
    it.each(cases)('%s=%j', (name, value) => {
      const error = envError({ [name]: value });
      expect(error.message).toContain(name);
      expect(error.problems).toEqual([expect.stringMatching(new RegExp(`^${name}: `))]);
    });
  });

  it('gives PUBLIC_URL to the webhooks module as publicUrl, and leaves it unset by default', () => {
    const options = (raw: Record<string, string>) =>
      webhooksOptionsFrom(parseEnv(raw), {} as JwtAuthGuard, new Registry());
    expect(options({ PUBLIC_URL: 'http://localhost:3000' }).publicUrl).toBe(
      'http://localhost:3000',
    );
    expect(options({}).publicUrl).toBeUndefined();
  });

  it('reports every invalid variable at once', () => {
    const error = envError({ PORT: 'x', REDIS_URL: 'http://x', WEBHOOK_WORKER_CONCURRENCY: '0' });
    expect(error.problems).toHaveLength(3);
    expect(error.message).toContain('PORT');
    expect(error.message).toContain('REDIS_URL');
    expect(error.message).toContain('WEBHOOK_WORKER_CONCURRENCY');
  });

  describe('in production', () => {
    it('requires JWT_SECRET and WEBHOOK_SECRET_ENCRYPTION_KEY', () => {
      const error = envError({ NODE_ENV: 'production' });
      expect(error.problems).toEqual([
        expect.stringMatching(/^JWT_SECRET: .*required/),
        expect.stringMatching(/^WEBHOOK_SECRET_ENCRYPTION_KEY: .*required/),
      ]);
      expect(envError({ NODE_ENV: 'production', JWT_SECRET }).problems).toEqual([
        expect.stringMatching(/^WEBHOOK_SECRET_ENCRYPTION_KEY: /),
      ]);
      expect(
        envError({ NODE_ENV: 'production', WEBHOOK_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY })
          .problems,
      ).toEqual([expect.stringMatching(/^JWT_SECRET: /)]);
    });

    it('boots with both secrets, has no insecure defaults and requires https by default', () => {
      const env = parseEnv({
        NODE_ENV: 'production',
        JWT_SECRET,
        WEBHOOK_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY,
      });
      expect(env.insecureDefaults).toEqual([]);
      expect(env.WEBHOOK_REQUIRE_HTTPS).toBe(true);
      expect(env.JWT_SECRET).toBe(JWT_SECRET);
      expect(env.WEBHOOK_SECRET_ENCRYPTION_KEY).toBe(ENCRYPTION_KEY);
    });

    it('lets WEBHOOK_REQUIRE_HTTPS be turned off explicitly', () => {
      const env = parseEnv({
        NODE_ENV: 'production',
        JWT_SECRET,
        WEBHOOK_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY,
        WEBHOOK_REQUIRE_HTTPS: 'false',
      });
      expect(env.WEBHOOK_REQUIRE_HTTPS).toBe(false);
    });
  });

  describe('HOST', () => {
    it.each(['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1', 'localhost', 'LocalHost'])(
      'lets the API listen on the loopback address %s with the development secrets',
      (host) => {
        const env = parseEnv({ HOST: host });
        expect(env.HOST).toBe(host.toLowerCase());
        expect(env.insecureDefaults).toEqual(['JWT_SECRET', 'WEBHOOK_SECRET_ENCRYPTION_KEY']);
      },
    );

    it.each(['0.0.0.0', '::', '192.0.2.10', 'api.internal'])(
      'refuses to serve the API on %s with a development secret, naming it',
      (host) => {
        expect(envError({ HOST: host }).problems).toEqual([
          expect.stringMatching(new RegExp(`^JWT_SECRET: .*HOST=${host} is not a loopback`)),
          expect.stringMatching(/^WEBHOOK_SECRET_ENCRYPTION_KEY: .*not a loopback/),
        ]);
        expect(envError({ HOST: host, JWT_SECRET }).problems).toEqual([
          expect.stringMatching(/^WEBHOOK_SECRET_ENCRYPTION_KEY: /),
        ]);
        expect(
          envError({ HOST: host, WEBHOOK_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY }).problems,
        ).toEqual([expect.stringMatching(/^JWT_SECRET: /)]);
      },
    );

    it('serves the API on every interface once both secrets are set', () => {
      const env = parseEnv({
        HOST: '0.0.0.0',
        JWT_SECRET,
        WEBHOOK_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY,
      });
      expect(env.HOST).toBe('0.0.0.0');
      expect(env.insecureDefaults).toEqual([]);
    });

    it('does not matter to a worker without the API', () => {
      expect(parseEnv({ HOST: '0.0.0.0', API_ENABLED: 'false' }).HOST).toBe('0.0.0.0');
    });

    it('names each missing secret once in production', () => {
      expect(envError({ NODE_ENV: 'production', HOST: '0.0.0.0' }).problems).toEqual([
        expect.stringMatching(/^JWT_SECRET: required when NODE_ENV=production$/),
        expect.stringMatching(/^WEBHOOK_SECRET_ENCRYPTION_KEY: required when NODE_ENV=production$/),
      ]);
    });
  });

  it('defaults WEBHOOK_REQUIRE_HTTPS to false outside production', () => {
    expect(parseEnv({ NODE_ENV: 'development' }).WEBHOOK_REQUIRE_HTTPS).toBe(false);
    expect(parseEnv({ NODE_ENV: 'test' }).WEBHOOK_REQUIRE_HTTPS).toBe(false);
    expect(parseEnv({ NODE_ENV: 'test', WEBHOOK_REQUIRE_HTTPS: '1' }).WEBHOOK_REQUIRE_HTTPS).toBe(
      true,
    );
  });

  it('splits WEBHOOK_ALLOWED_HOSTS on commas, trimming, lower-casing and dropping blanks', () => {
    expect(
      parseEnv({ WEBHOOK_ALLOWED_HOSTS: ' Hooks.Internal , 10.0.0.0/8,,  ,192.168.1.5 ' })
        .WEBHOOK_ALLOWED_HOSTS,
    ).toEqual(['hooks.internal', '10.0.0.0/8', '192.168.1.5']);
    expect(parseEnv({ WEBHOOK_ALLOWED_HOSTS: ',' }).WEBHOOK_ALLOWED_HOSTS).toEqual([]);
  });

  it('splits WEBHOOK_SECRET_DECRYPTION_KEYS on commas, trimming and dropping blanks', () => {
    expect(
      parseEnv({ WEBHOOK_SECRET_DECRYPTION_KEYS: ` ${OLD_KEY_1} ,, ${OLD_KEY_2},` })
        .WEBHOOK_SECRET_DECRYPTION_KEYS,
    ).toEqual([OLD_KEY_1, OLD_KEY_2]);
    expect(
      parseEnv({ WEBHOOK_SECRET_DECRYPTION_KEYS: ' , ' }).WEBHOOK_SECRET_DECRYPTION_KEYS,
    ).toEqual([]);
    // Optional in production too: only needed while a key rotation is under way.
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET,
      WEBHOOK_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY,
    };
    expect(parseEnv(production).WEBHOOK_SECRET_DECRYPTION_KEYS).toEqual([]);
    expect(
      parseEnv({ ...production, WEBHOOK_SECRET_DECRYPTION_KEYS: OLD_KEY_1 }).insecureDefaults,
    ).toEqual([]);
  });

  it('names the position of each invalid WEBHOOK_SECRET_DECRYPTION_KEYS entry', () => {
    const bad = Buffer.alloc(31, 5).toString('base64');
    const error = envError({ WEBHOOK_SECRET_DECRYPTION_KEYS: `${bad},${OLD_KEY_1},x` });
    expect(error.problems).toEqual([
      expect.stringMatching(/^WEBHOOK_SECRET_DECRYPTION_KEYS: keys 1, 3 of 3 must be 32 bytes/),
    ]);
    expect(envError({ WEBHOOK_SECRET_DECRYPTION_KEYS: `${OLD_KEY_1},x` }).problems).toEqual([
      expect.stringMatching(/^WEBHOOK_SECRET_DECRYPTION_KEYS: key 2 of 2 must be 32 bytes/),
    ]);
  });

  it('accepts every pino level and silent for LOG_LEVEL', () => {
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const) {
      expect(parseEnv({ LOG_LEVEL: level }).LOG_LEVEL).toBe(level);
    }
  });

  it('accepts true/false/1/0 in any case for booleans', () => {
    for (const [raw, value] of [
      ['true', true],
      ['TRUE', true],
      ['1', true],
      ['false', false],
      ['False', false],
      ['0', false],
    ] as const) {
      expect(parseEnv({ DB_MIGRATIONS_RUN: raw }).DB_MIGRATIONS_RUN).toBe(value);
    }
  });

  it('refuses to disable both the worker and the API', () => {
    const error = envError({ WORKER_ENABLED: 'false', API_ENABLED: 'false' });
    expect(error.problems).toEqual([
      expect.stringMatching(/WORKER_ENABLED.*API_ENABLED.*at least one/),
    ]);
    expect(parseEnv({ WORKER_ENABLED: 'false' }).API_ENABLED).toBe(true);
    expect(parseEnv({ API_ENABLED: 'false' }).WORKER_ENABLED).toBe(true);
  });

  it('lists only the secrets left at their development default in insecureDefaults', () => {
    expect(parseEnv({ JWT_SECRET }).insecureDefaults).toEqual(['WEBHOOK_SECRET_ENCRYPTION_KEY']);
    expect(parseEnv({ WEBHOOK_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY }).insecureDefaults).toEqual([
      'JWT_SECRET',
    ]);
    expect(
      parseEnv({ JWT_SECRET, WEBHOOK_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY }).insecureDefaults,
    ).toEqual([]);
  });

  describe('never puts a secret value into the error message', () => {
    it('JWT_SECRET too short', () => {
      const secret = 'hunter2-jwt-secret';
      const error = envError({ JWT_SECRET: secret });
      expect(error.message).toContain('JWT_SECRET');
      expect(error.message).not.toContain(secret);
    });

    it('WEBHOOK_SECRET_ENCRYPTION_KEY of the wrong size or encoding', () => {
      for (const key of [Buffer.alloc(16, 3).toString('base64'), 'hunter2-not-base64-key!']) {
        const error = envError({ WEBHOOK_SECRET_ENCRYPTION_KEY: key });
        expect(error.message).toContain('WEBHOOK_SECRET_ENCRYPTION_KEY');
        expect(error.message).not.toContain(key);
      }
    });

    it('WEBHOOK_SECRET_DECRYPTION_KEYS with an invalid entry next to valid ones', () => {
      const bad = 'hunter2-not-a-key';
      const error = envError({
        WEBHOOK_SECRET_DECRYPTION_KEYS: `${OLD_KEY_1},${bad},${OLD_KEY_2}`,
      });
      expect(error.message).toContain('WEBHOOK_SECRET_DECRYPTION_KEYS');
      for (const value of [bad, OLD_KEY_1, OLD_KEY_2]) expect(error.message).not.toContain(value);
    });

    it('a password inside an invalid DATABASE_URL or REDIS_URL', () => {
      const database = envError({ DATABASE_URL: 'mysql://app:hunter2pw@db.internal/webhooks' });
      expect(database.message).toContain('DATABASE_URL');
      expect(database.message).not.toContain('hunter2pw');
      const redis = envError({ REDIS_URL: 'http://:hunter2pw@cache.internal:6379' });
      expect(redis.message).toContain('REDIS_URL');
      expect(redis.message).not.toContain('hunter2pw');
    });

    it('valid secrets next to another invalid variable', () => {
      const error = envError({
        NODE_ENV: 'production',
        JWT_SECRET,
        WEBHOOK_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY,
        WEBHOOK_SECRET_DECRYPTION_KEYS: OLD_KEY_1,
        PORT: 'x',
      });
      expect(error.message).not.toContain(JWT_SECRET);
      expect(error.message).not.toContain(ENCRYPTION_KEY);
      expect(error.message).not.toContain(OLD_KEY_1);
    });
  });
});
