import {
  generateSecret,
  maskSecret,
  SECRET_PREFIX,
  secretKey,
  secretProblem,
} from './webhook-secret';

const RULE = 'secret must be "whsec_" followed by base64 of 24 to 64 bytes';
const secretOf = (bytes: number, fill = 1) =>
  SECRET_PREFIX + Buffer.alloc(bytes, fill).toString('base64');

describe('generateSecret', () => {
  it('is whsec_ followed by base64 of 32 random bytes', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(secretKey(secret)).toHaveLength(32);
    expect(secretProblem(secret)).toBeNull();
  });

  it('is different every time', () => {
    const secrets = new Set(Array.from({ length: 1000 }, generateSecret));
    expect(secrets.size).toBe(1000);
  });
});

describe('secretProblem', () => {
  it.each([24, 25, 32, 48, 63, 64])('accepts %i bytes', (bytes) => {
    expect(secretProblem(secretOf(bytes))).toBeNull();
  });

  it.each([0, 1, 16, 23, 65, 128])('refuses %i bytes', (bytes) => {
    expect(secretProblem(secretOf(bytes))).toBe(RULE);
  });

  it.each([
    ['no prefix', Buffer.alloc(32, 1).toString('base64')],
    ['another prefix', `wh_${Buffer.alloc(32, 1).toString('base64')}`],
    ['upper-case prefix', `WHSEC_${Buffer.alloc(32, 1).toString('base64')}`],
    ['prefix only', 'whsec_'],
    ['characters outside base64', `whsec_${'!'.repeat(44)}`],
    ['base64url alphabet', `whsec_${Buffer.alloc(32, 0xfb).toString('base64url')}=`],
    ['missing padding', secretOf(32).slice(0, -1)],
    ['too much padding', `${secretOf(32)}=`],
    ['embedded whitespace', `whsec_${Buffer.alloc(32, 1).toString('base64').replace('A', ' ')}`],
    ['trailing newline', `${secretOf(32)}\n`],
  ])('refuses %s', (_, value) => {
    expect(secretProblem(value)).toBe(RULE);
  });

  it.each([undefined, null, 32, {}, [secretOf(32)]])('refuses the non-string %j', (value) => {
    expect(secretProblem(value)).toBe(RULE);
  });

  it('never repeats the offered value in its message', () => {
    const offered = secretOf(16, 9);
    expect(secretProblem(offered)).not.toContain(offered.slice(SECRET_PREFIX.length));
  });
});

describe('maskSecret', () => {
  it('shows the prefix, an ellipsis and only the last four characters', () => {
    const secret = generateSecret();
    const masked = maskSecret(secret);
    expect(masked).toBe(`whsec_…${secret.slice(-4)}`);
    expect(masked).not.toContain(secret.slice(6, -4));
  });
});

describe('secretKey', () => {
  it('decodes the base64 part of the secret', () => {
    const key = Buffer.alloc(40, 5);
    expect(secretKey(SECRET_PREFIX + key.toString('base64')).equals(key)).toBe(true);
  });
});
