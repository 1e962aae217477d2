import { createHash } from 'node:crypto';
import { SecretCipher, SecretDecryptionError, secretKeyId, secretKeysFrom } from './secret-cipher';

const OLD_KEY = Buffer.alloc(32, 1);
const NEW_KEY = Buffer.alloc(32, 2);
const OTHER_KEY = Buffer.alloc(32, 3);
const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const idOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

/** The error `run` throws (fails the test when it does not throw). */
function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('SecretCipher', () => {
  const cipher = new SecretCipher({ current: NEW_KEY, previous: [OLD_KEY] });

  it('round-trips a secret in the enc:v1:<keyId>:<iv>:<tag>:<ciphertext> format', () => {
    const stored = cipher.encrypt(SECRET);
    const [prefix, version, keyId, iv, tag, ciphertext, ...rest] = stored.split(':');
    expect([prefix, version, keyId, rest]).toEqual(['enc', 'v1', idOf(NEW_KEY), []]);
    expect(Buffer.from(iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64')).toHaveLength(16);
    expect(Buffer.from(ciphertext, 'base64')).toHaveLength(Buffer.byteLength(SECRET));
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(SECRET.slice('whsec_'.length));
    expect(cipher.decrypt(stored)).toBe(SECRET);
    expect(cipher.decrypt(cipher.encrypt(''))).toBe('');
    expect(cipher.decrypt(cipher.encrypt('ünïcødé ✓'))).toBe('ünïcødé ✓');
  });

  it('names keys by the first 8 hex characters of their sha256', () => {
    expect(secretKeyId(NEW_KEY)).toBe(idOf(NEW_KEY));
    expect(cipher.currentKeyId).toBe(idOf(NEW_KEY));
  });

  it('uses a random IV: the same secret encrypts differently every time', () => {
    const stored = Array.from({ length: 50 }, () => cipher.encrypt(SECRET));
    expect(new Set(stored).size).toBe(50);
    expect(new Set(stored.map((value) => value.split(':')[3])).size).toBe(50);
    for (const value of stored) expect(cipher.decrypt(value)).toBe(SECRET);
  });

  it('detects tampering with the ciphertext, the tag or the IV', () => {
    const [prefix, version, keyId, iv, tag, ciphertext] = cipher.encrypt(SECRET).split(':');
    const flip = (base64: string) => {
      const bytes = Buffer.from(base64, 'base64');
      bytes[0] ^= 1;
      return bytes.toString('base64');
    };
    for (const parts of [
      [iv, tag, flip(ciphertext)],
      [iv, flip(tag), ciphertext],
      [flip(iv), tag, ciphertext],
      [iv, tag.slice(0, 8), ciphertext],
    ]) {
      const error = errorOf(() => cipher.decrypt([prefix, version, keyId, ...parts].join(':')));
      expect(error).toBeInstanceOf(SecretDecryptionError);
      expect(error.message).toContain(keyId);
      expect(error.message).toMatch(/does not verify/);
    }
  });

  it('does not decrypt under another key that claims the same id', () => {
    const stored = cipher.encrypt(SECRET);
    const impostor = new SecretCipher({ current: OTHER_KEY, previous: [] });
    const forged = stored.replace(idOf(NEW_KEY), idOf(OTHER_KEY));
    expect(() => impostor.decrypt(forged)).toThrow(SecretDecryptionError);
  });

  it('decrypts values written under a previous key', () => {
    const before = new SecretCipher({ current: OLD_KEY, previous: [] });
    const stored = before.encrypt(SECRET);
    expect(stored.split(':')[2]).toBe(idOf(OLD_KEY));
    expect(cipher.decrypt(stored)).toBe(SECRET);
  });

  it('refuses a value under an unknown key with an error naming the key id, not the secret', () => {
    const stored = new SecretCipher({ current: OTHER_KEY, previous: [] }).encrypt(SECRET);
    const error = errorOf(() => cipher.decrypt(stored));
    expect(error).toBeInstanceOf(SecretDecryptionError);
    expect(error.message).toContain(idOf(OTHER_KEY));
    expect(error.message).toContain('secretDecryptionKeys');
    expect(error.message).not.toContain(stored);
    // A cipher that dropped the old key no longer reads what was written under it.
    const after = new SecretCipher({ current: NEW_KEY, previous: [] });
    expect(() =>
      after.decrypt(new SecretCipher({ current: OLD_KEY, previous: [] }).encrypt(SECRET)),
    ).toThrow(idOf(OLD_KEY));
  });

  it('refuses malformed encrypted values', () => {
    for (const stored of [
      'enc:',
      'enc:v1',
      `enc:v2:${idOf(NEW_KEY)}:a:b:c`,
      `${cipher.encrypt(SECRET)}:extra`,
    ]) {
      expect(() => cipher.decrypt(stored)).toThrow(SecretDecryptionError);
    }
  });

  it('passes legacy plaintext through decrypt and tells encrypted values apart', () => {
    expect(cipher.decrypt(SECRET)).toBe(SECRET);
    expect(cipher.isEncrypted(SECRET)).toBe(false);
    expect(cipher.isEncrypted(cipher.encrypt(SECRET))).toBe(true);
  });

  it('needsReencrypt: plaintext and values under a non-current key', () => {
    expect(cipher.needsReencrypt(SECRET)).toBe(true);
    expect(cipher.needsReencrypt(cipher.encrypt(SECRET))).toBe(false);
    const old = new SecretCipher({ current: OLD_KEY, previous: [] }).encrypt(SECRET);
    expect(cipher.needsReencrypt(old)).toBe(true);
    expect(cipher.needsReencrypt(cipher.encrypt(cipher.decrypt(old)))).toBe(false);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => new SecretCipher({ current: Buffer.alloc(16), previous: [] })).toThrow(/32 bytes/);
    expect(() => new SecretCipher({ current: NEW_KEY, previous: [Buffer.alloc(31)] })).toThrow(
      /32 bytes/,
    );
  });

  it('is built from the base64 keys of the options', () => {
    const keys = secretKeysFrom({
      secretEncryptionKey: NEW_KEY.toString('base64'),
      secretDecryptionKeys: [OLD_KEY.toString('base64'), OTHER_KEY.toString('base64')],
    });
    expect(keys).toEqual({ current: NEW_KEY, previous: [OLD_KEY, OTHER_KEY] });
    const fromEnv = new SecretCipher(keys);
    expect(fromEnv.currentKeyId).toBe(idOf(NEW_KEY));
    expect(
      fromEnv.decrypt(new SecretCipher({ current: OTHER_KEY, previous: [] }).encrypt(SECRET)),
    ).toBe(SECRET);
  });
});
