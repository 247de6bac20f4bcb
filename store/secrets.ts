/**
 * Encryption at rest for Acumatica secrets: AES-256-GCM, a random 12-byte IV per value, the auth tag,
 * and the id of the master key used, so keys can be rotated (old values stay readable while any key in
 * the ring can open them). The context (account id and field) is bound as additional authenticated data:
 * a ciphertext copied to another account or field does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface EncryptedSecret {
  v: 1;
  /** Id of the master key that encrypted it. */
  kid: string;
  iv: string;
  tag: string;
  ct: string;
}

export interface MasterKey {
  id: string;
  key: Buffer;
}

/** Decryption failed: wrong key, unknown key id, or tampered data. Never includes secret material. */
export class SecretDecryptionError extends Error {
  override readonly name = 'SecretDecryptionError';
}

/**
 * Parses a 32-byte master key given as 64 hex characters or base64.
 * @throws Error when it does not decode to exactly 32 bytes
 */
export function parseMasterKey(value: string, id = 'k1'): MasterKey {
  const trimmed = value.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('master key must be 32 bytes (64 hex characters or base64)');
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(id))
    throw new Error('master key id must be 1-32 letters, digits, _ or -');
  return { id, key };
}

/** Encrypts with the primary (first) key; decrypts with whichever key of the ring a value names. */
export class SecretBox {
  private readonly keys: ReadonlyMap<string, Buffer>;
  readonly primaryKeyId: string;

  constructor(keys: readonly MasterKey[]) {
    const [primary] = keys;
    if (!primary) throw new Error('at least one master key is required');
    const map = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      if (key.length !== 32) throw new Error(`master key ${id} must be 32 bytes`);
      if (map.has(id)) throw new Error(`duplicate master key id ${id}`);
      map.set(id, Buffer.from(key));
    }
    this.keys = map;
    this.primaryKeyId = primary.id;
  }

  /** Encrypts `plaintext` bound to `context` (e.g. `acc_x/restPassword`). */
  encrypt(plaintext: string, context: string): EncryptedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.primaryKeyId) as Buffer, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      v: 1,
      kid: this.primaryKeyId,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ct: ct.toString('base64'),
    };
  }

  /**
   * Decrypts a value encrypted for the same `context`.
   * @throws SecretDecryptionError on an unknown key id, a wrong key or tampered data
   */
  decrypt(secret: EncryptedSecret, context: string): string {
    const key = this.keys.get(secret.kid);
    if (!key) throw new SecretDecryptionError(`no master key with id ${secret.kid}`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(secret.iv, 'base64'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(secret.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(secret.ct, 'base64')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SecretDecryptionError(`cannot decrypt ${context}: wrong master key or tampered data`);
    }
  }

  /** True when a value was encrypted with a key other than the primary one. */
  needsRotation(secret: EncryptedSecret): boolean {
    return secret.kid !== this.primaryKeyId;
  }
}
