import { Injectable } from '@nestjs/common';
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { WebhooksConfig } from '../options/webhooks-config';
import { normalizeTenantId } from '../tenancy/tenant-id';

/** Every portal token starts with it, so a guard tells one from the host's own tokens. */
export const PORTAL_TOKEN_PREFIX = 'whp_';

/** The HKDF info of the signing key: the encryption key is never used as it is for this. */
const KEY_INFO = 'nest-webhooks portal session v1';
const KEY_BYTES = 32;
const NONCE_BYTES = 16;
/** Far above any valid token (a 255-character tenant id): nothing longer is even decoded. */
const MAX_TOKEN_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const CLAIM_KEYS = ['e', 'n', 'r', 't', 'v'];

/** What a valid portal token grants. */
export interface PortalSession {
  tenantId: string;
  /** Whole seconds: the token carries Unix seconds. */
  expiresAt: Date;
  readOnly: boolean;
}

/** The token's payload, as signed. */
interface PortalClaims {
  v: 1;
  t: string;
  e: number;
  r: 0 | 1;
  n: string;
}

/** Issues and checks the module's portal tokens with the key derived from the options. */
@Injectable()
export class PortalTokens {
  private readonly key: Buffer;

  constructor(config: WebhooksConfig) {
    this.key = portalSigningKey(config.secretEncryptionKey);
  }

  issue(session: PortalSession): string {
    return signPortalToken(this.key, session);
  }

  verify(token: string, now: Date): PortalSession | null {
    return verifyPortalToken(this.key, token, now);
  }
}

/** The key that signs portal tokens, derived from options.secretEncryptionKey (base64). */
export function portalSigningKey(secretEncryptionKey: string): Buffer {
  const key = Buffer.from(secretEncryptionKey, 'base64');
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), KEY_INFO, KEY_BYTES));
}

/** A signed token for `session`; its expiry is rounded down to the second. */
export function signPortalToken(key: Buffer, session: PortalSession): string {
  const claims: PortalClaims = {
    v: 1,
    t: session.tenantId,
    e: Math.floor(session.expiresAt.getTime() / 1000),
    r: session.readOnly ? 1 : 0,
    n: randomBytes(NONCE_BYTES).toString('base64url'),
  };
  const body = `${PORTAL_TOKEN_PREFIX}${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${signatureOf(key, body).toString('base64url')}`;
}

/**
 * The session a token grants at `now`, or null when it is not a portal token, was not signed
 * with `key`, was altered, or has expired (`expiresAt <= now`).
 */
export function verifyPortalToken(key: Buffer, token: string, now: Date): PortalSession | null {
  if (token.length > MAX_TOKEN_LENGTH || !token.startsWith(PORTAL_TOKEN_PREFIX)) return null;
  const parts = token.split('.');
  if (parts.length !== 2) return null;
  const [body, signature] = parts;
  const payload = body.slice(PORTAL_TOKEN_PREFIX.length);
  if (!BASE64URL.test(payload) || !BASE64URL.test(signature)) return null;
  const given = Buffer.from(signature, 'base64url');
  // Only the canonical spelling: a signature has no second way to be written.
  if (given.toString('base64url') !== signature) return null;
  const expected = signatureOf(key, body);
  // Equal lengths first: timingSafeEqual throws on unequal ones.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const claims = claimsOf(Buffer.from(payload, 'base64url').toString('utf8'));
  if (claims === null || claims.e * 1000 <= now.getTime()) return null;
  return { tenantId: claims.t, expiresAt: new Date(claims.e * 1000), readOnly: claims.r === 1 };
}

/** Whether an Authorization header carries a portal token rather than the host's own. */
export function portalTokenOf(authorization: unknown): string | null {
  if (typeof authorization !== 'string') return null;
  const match = /^bearer +(whp_.*)$/i.exec(authorization.trim());
  return match ? match[1] : null;
}

/**
 * A token for any expiry, past ones included, signed as the module would sign it: for tests
 * of expired or read-only sessions without a clock to move.
 */
export function mintPortalToken(
  secretEncryptionKey: string,
  session: { tenantId: string; expiresAt: Date; readOnly?: boolean },
): string {
  return signPortalToken(portalSigningKey(secretEncryptionKey), {
    readOnly: false,
    ...session,
  });
}

function signatureOf(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(body).digest();
}

/** The claims, only when the JSON has exactly the shape signPortalToken writes. */
function claimsOf(json: string): PortalClaims | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const claims = value as Record<string, unknown>;
  if (Object.keys(claims).sort().join() !== CLAIM_KEYS.join()) return null;
  const { v, t, e, r, n } = claims;
  const valid =
    v === 1 &&
    typeof t === 'string' &&
    normalizeTenantId(t) === t &&
    typeof e === 'number' &&
    Number.isSafeInteger(e) &&
    e > 0 &&
    (r === 0 || r === 1) &&
    typeof n === 'string' &&
    BASE64URL.test(n) &&
    Buffer.from(n, 'base64url').length === NONCE_BYTES;
  return valid ? (claims as unknown as PortalClaims) : null;
}
