import { createHmac } from 'node:crypto';
import {
  mintPortalToken,
  portalSigningKey,
  portalTokenOf,
  signPortalToken,
  verifyPortalToken,
} from './portal-token';

const ENCRYPTION_KEY = Buffer.alloc(32, 5).toString('base64');
const KEY = portalSigningKey(ENCRYPTION_KEY);
const NOW = new Date('2026-12-02T08:00:00.000Z');
const IN_AN_HOUR = new Date('2026-12-02T09:00:00.000Z');
const session = { tenantId: 'org_7', expiresAt: IN_AN_HOUR, readOnly: false };

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A token for any payload, correctly signed: what a holder of the key could write. */
function signed(claims: unknown, key = KEY): string {
  const body = `whp_${typeof claims === 'string' ? claims : b64url(claims)}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}
const claims = (extra: Record<string, unknown> = {}) => ({
  v: 1,
  t: 'org_7',
  e: IN_AN_HOUR.getTime() / 1000,
  r: 0,
  n: 'AAAAAAAAAAAAAAAAAAAAAA',
  ...extra,
});

describe('portal tokens', () => {
  it('verify to the session they were signed for', () => {
    const token = signPortalToken(KEY, { ...session, readOnly: true });
    expect(token).toMatch(/^whp_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyPortalToken(KEY, token, NOW)).toEqual({ ...session, readOnly: true });
  });

  it('carry the documented claims, a fresh nonce each time', () => {
    const [a, b] = [signPortalToken(KEY, session), signPortalToken(KEY, session)];
    expect(a).not.toBe(b);
    const payload = JSON.parse(Buffer.from(a.split('.')[0].slice(4), 'base64url').toString());
    expect(payload).toEqual({ v: 1, t: 'org_7', e: 1796202000, r: 0, n: expect.any(String) });
    expect(Buffer.from(payload.n, 'base64url')).toHaveLength(16);
  });

  it('round the expiry down to the second', () => {
    const token = signPortalToken(KEY, {
      ...session,
      expiresAt: new Date(IN_AN_HOUR.getTime() + 999),
    });
    expect(verifyPortalToken(KEY, token, NOW)?.expiresAt).toEqual(IN_AN_HOUR);
  });

  it('are signed with a key derived by HKDF, not with the encryption key itself', () => {
    expect(KEY).toHaveLength(32);
    expect(KEY.equals(Buffer.from(ENCRYPTION_KEY, 'base64'))).toBe(false);
    expect(portalSigningKey(ENCRYPTION_KEY).equals(KEY)).toBe(true);
    const raw = signed(claims(), Buffer.from(ENCRYPTION_KEY, 'base64'));
    expect(verifyPortalToken(KEY, raw, NOW)).toBeNull();
  });

  it('expire at expiresAt: valid one second before, invalid at it and after', () => {
    const token = signPortalToken(KEY, session);
    expect(verifyPortalToken(KEY, token, new Date(IN_AN_HOUR.getTime() - 1000))).not.toBeNull();
    expect(verifyPortalToken(KEY, token, IN_AN_HOUR)).toBeNull();
    expect(verifyPortalToken(KEY, token, new Date(IN_AN_HOUR.getTime() + 1000))).toBeNull();
  });

  it('are refused under another encryption key', () => {
    const other = portalSigningKey(Buffer.alloc(32, 6).toString('base64'));
    expect(verifyPortalToken(other, signPortalToken(KEY, session), NOW)).toBeNull();
  });

  describe('refuse an altered token', () => {
    const token = signPortalToken(KEY, session);
    const [body, signature] = token.split('.');
    it.each([
      ['claims of another tenant', `whp_${b64url(claims({ t: 'org_8' }))}.${signature}`],
      [
        'the read-only flag dropped',
        `${signPortalToken(KEY, { ...session, readOnly: true }).split('.')[0]}.${signature}`,
      ],
      ['a truncated signature', `${body}.${signature.slice(0, -1)}`],
      ['a signature one bit off', `${body}.${flipFirstBit(signature)}`],
      [
        'a non-canonical spelling of the signature',
        `${body}.${signature.slice(0, -1)}${nextPaddingSpelling(signature)}`,
      ],
      ['no signature', `${body}.`],
      ['no dot', body],
      ['a third part', `${token}.x`],
      ['another prefix', token.replace(/^whp_/, 'whx_')],
      ['characters outside base64url', `${body}+.${signature}`],
      ['over 2048 characters', `whp_${'A'.repeat(2048)}.${signature}`],
    ])('%s', (_, altered) => {
      expect(verifyPortalToken(KEY, altered, NOW)).toBeNull();
    });
  });

  describe('refuse a correctly signed payload of the wrong shape', () => {
    it.each<[string, unknown]>([
      ['version 2', claims({ v: 2 })],
      ['an extra claim', claims({ admin: true })],
      ['a missing nonce', (({ n: _, ...rest }) => rest)(claims())],
      ['a numeric tenant', claims({ t: 42 })],
      ['an empty tenant', claims({ t: '' })],
      ['a tenant of 256 characters', claims({ t: 'x'.repeat(256) })],
      [
        'an upper-case UUID tenant (never issued)',
        claims({ t: 'AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA' }),
      ],
      ['a fractional expiry', claims({ e: IN_AN_HOUR.getTime() / 1000 + 0.5 })],
      ['an expiry as a string', claims({ e: String(IN_AN_HOUR.getTime() / 1000) })],
      ['readOnly true instead of 1', claims({ r: true })],
      ['readOnly 2', claims({ r: 2 })],
      ['a short nonce', claims({ n: 'AAAA' })],
      ['an array', [claims()]],
      ['null', null],
    ])('%s', (_, payload) => {
      expect(verifyPortalToken(KEY, signed(payload), NOW)).toBeNull();
    });

    it('malformed JSON', () => {
      const notJson = Buffer.from('{"v":1,').toString('base64url');
      expect(verifyPortalToken(KEY, signed(notJson), NOW)).toBeNull();
    });

    it('while the same shape with valid values verifies', () => {
      expect(verifyPortalToken(KEY, signed(claims({ r: 1 })), NOW)).toEqual({
        ...session,
        readOnly: true,
      });
    });
  });

  it('mintPortalToken signs any expiry, past ones included, as the module does', () => {
    const past = new Date(NOW.getTime() - 60_000);
    const expired = mintPortalToken(ENCRYPTION_KEY, { tenantId: 'org_7', expiresAt: past });
    expect(verifyPortalToken(KEY, expired, new Date(past.getTime() - 1000))).toEqual({
      tenantId: 'org_7',
      expiresAt: past,
      readOnly: false,
    });
    expect(verifyPortalToken(KEY, expired, NOW)).toBeNull();
  });
});

describe('portalTokenOf', () => {
  it.each([
    ['Bearer whp_abc.def', 'whp_abc.def'],
    ['bearer   whp_abc.def ', 'whp_abc.def'],
    ['Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig', null],
    ['Basic whp_abc.def', null],
    ['whp_abc.def', null],
    [undefined, null],
    [['Bearer whp_abc.def'], null],
  ])('%p → %p', (header, token) => {
    expect(portalTokenOf(header)).toBe(token);
  });
});

function flipFirstBit(signature: string): string {
  const bytes = Buffer.from(signature, 'base64url');
  bytes[0] ^= 1;
  return bytes.toString('base64url');
}

/** The last character with its two unused low bits changed: same bytes, another spelling. */
function nextPaddingSpelling(signature: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const index = alphabet.indexOf(signature.slice(-1));
  return alphabet[(index & ~3) | ((index + 1) & 3)];
}
