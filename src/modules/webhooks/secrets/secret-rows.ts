import { SecretCipher } from './secret-cipher';

/** A DataSource, EntityManager or QueryRunner. */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeORM's raw query result
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

export interface RewriteCount {
  /** Rows whose secret or previous secret matched. */
  found: number;
  /** Rows rewritten; a row changed by the app meanwhile is left as the app wrote it. */
  rewritten: number;
}

const BATCH_SIZE = 500;

/** At start (PlaintextSecretEncryption): encrypts every plaintext secret under the current key. */
export function encryptPlaintextSecrets(
  db: Queryable,
  cipher: SecretCipher,
  batchSize = BATCH_SIZE,
) {
  return rewriteSecrets(db, 'NOT LIKE', 'enc:%', batchSize, (stored) =>
    cipher.isEncrypted(stored) ? stored : cipher.encrypt(stored),
  );
}

/** Key rotation: re-encrypts under the current key every value that is not (plaintext included). */
export function reencryptSecrets(db: Queryable, cipher: SecretCipher, batchSize = BATCH_SIZE) {
  return rewriteSecrets(db, 'NOT LIKE', `enc:v1:${cipher.currentKeyId}:%`, batchSize, (stored) =>
    cipher.needsReencrypt(stored) ? cipher.encrypt(cipher.decrypt(stored)) : stored,
  );
}

interface SecretRow {
  id: string;
  secret: string;
  previous_secret: string | null;
}

/**
 * Rewrites `secret` and `previous_secret` of the webhooks where either matches `pattern`, in
 * batches by id. Each batch is one UPDATE that only touches rows still holding the values read,
 * so a secret rotated meanwhile by the running app is never overwritten.
 */
async function rewriteSecrets(
  db: Queryable,
  match: 'LIKE' | 'NOT LIKE',
  pattern: string,
  batchSize: number,
  rewrite: (stored: string) => string,
): Promise<RewriteCount> {
  const count: RewriteCount = { found: 0, rewritten: 0 };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows: SecretRow[] = await db.query(
      `SELECT id, secret, previous_secret FROM webhooks
        WHERE id > $1 AND (secret ${match} $2 OR previous_secret ${match} $2)
        ORDER BY id LIMIT $3`,
      [after, pattern, batchSize],
    );
    if (rows.length === 0) return count;
    after = rows[rows.length - 1].id;
    const rewritten = rows.map((row) => {
      try {
        return {
          secret: rewrite(row.secret),
          previousSecret: row.previous_secret === null ? null : rewrite(row.previous_secret),
        };
      } catch (error) {
        throw new Error(`Webhook ${row.id}: ${(error as Error).message}`);
      }
    });
    // TypeORM answers an UPDATE with [rows, affected count].
    const [, updated]: [unknown, number] = await db.query(
      `UPDATE webhooks w SET secret = v.secret, previous_secret = v.previous_secret
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
              AS v (id, secret, previous_secret, old_secret, old_previous_secret)
        WHERE w.id = v.id AND w.secret = v.old_secret
          AND w.previous_secret IS NOT DISTINCT FROM v.old_previous_secret`,
      [
        rows.map((row) => row.id),
        rewritten.map((row) => row.secret),
        rewritten.map((row) => row.previousSecret),
        rows.map((row) => row.secret),
        rows.map((row) => row.previous_secret),
      ],
    );
    count.found += rows.length;
    count.rewritten += updated;
  }
}
