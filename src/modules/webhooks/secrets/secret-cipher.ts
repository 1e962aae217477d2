import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'enc:';
const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SecretKeys {
  /** Encrypts every new value. */
  current: Buffer;
  /** Still accepted for decryption while a key rotation is under way. */
  previous: Buffer[];
}

/** A stored secret that cannot be decrypted. The message names the key id, never a secret. */
export class SecretDecryptionError extends Error {
  override name = 'SecretDecryptionError';
}

/** First 8 hex characters of sha256(key): names a key in stored values without revealing it. */
export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** The keys of options.secretEncryptionKey and options.secretDecryptionKeys (base64). */
export function secretKeysFrom(options: {
  secretEncryptionKey: string;
  secretDecryptionKeys: string[];
}): SecretKeys {
  return {
    current: Buffer.from(options.secretEncryptionKey, 'base64'),
    previous: options.secretDecryptionKeys.map((key) => Buffer.from(key, 'base64')),
  };
}

/**
 * AES-256-GCM for webhook secrets at rest. A stored value reads
 * `enc:v1:<keyId>:<base64 iv>:<base64 tag>:<base64 ciphertext>`; the key id picks the key, so
 * values written under a previous key stay readable during a rotation. A value without the
 * `enc:` prefix is a legacy plaintext secret (written before secrets were encrypted): it is
 * returned as it is and `needsReencrypt` reports it.
 */
export class SecretCipher {
  readonly currentKeyId: string;
  private readonly currentKey: Buffer;
  private readonly keys = new Map<string, Buffer>();

  constructor({ current, previous }: SecretKeys) {
    for (const key of [current, ...previous]) {
      if (key.length !== KEY_BYTES) {
        throw new Error(`A secret encryption key must be ${KEY_BYTES} bytes, got ${key.length}`);
      }
      const id = secretKeyId(key);
      const known = this.keys.get(id);
      if (known && !known.equals(key)) throw new Error(`Two encryption keys share the id ${id}`);
      this.keys.set(id, key);
    }
    this.currentKey = current;
    this.currentKeyId = secretKeyId(current);
  }

  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.currentKey, iv, {
      authTagLength: TAG_BYTES,
    });
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      `${PREFIX}${VERSION}`,
      this.currentKeyId,
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      ciphertext.toString('base64'),
    ].join(':');
  }

  decrypt(stored: string): string {
    if (!this.isEncrypted(stored)) return stored;
    const [, version, keyId, iv, tag, ciphertext, ...rest] = stored.split(':');
    if (version !== VERSION || ciphertext === undefined || rest.length > 0) {
      throw new SecretDecryptionError(
        `Stored webhook secret is not in the ${PREFIX}${VERSION} format`,
      );
    }
    const key = this.keys.get(keyId);
    if (!key) {
      throw new SecretDecryptionError(
        `Webhook secret is encrypted under unknown key ${keyId}: ` +
          'give that key as secretEncryptionKey or in secretDecryptionKeys',
      );
    }
    try {
      const ivBytes = Buffer.from(iv, 'base64');
      const tagBytes = Buffer.from(tag, 'base64');
      if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new Error();
      const decipher = createDecipheriv(ALGORITHM, key, ivBytes, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretDecryptionError(
        `Webhook secret encrypted under key ${keyId} does not verify: the stored value was altered`,
      );
    }
  }

  isEncrypted(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  /** True for plaintext and for values encrypted under a key other than the current one. */
  needsReencrypt(stored: string): boolean {
    return !stored.startsWith(`${PREFIX}${VERSION}:${this.currentKeyId}:`);
  }
}
