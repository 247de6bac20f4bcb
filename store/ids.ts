/**
 * Record ids: `<prefix>_<random>` strings, global across accounts, so `_id` alone is unique and every
 * query still adds `accountId`.
 */
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Random lower-case base-32 string (Crockford alphabet, no i/l/o/u): 5 bits per character. */
export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return out;
}

/** A new random id such as `inv_k3j9x2m4q8w1` (12 characters: 60 bits). */
export function newId(prefix: string): string {
  return `${prefix}_${randomToken(12)}`;
}

/**
 * A deterministic id from stable parts, for documents that must be created at most once even when two
 * writers race (the `_id` index rejects the second insert).
 */
export function derivedId(prefix: string, ...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  let out = '';
  for (const byte of digest.subarray(0, 16)) out += ALPHABET[byte & 31];
  return `${prefix}_${out}`;
}

/** The random part of an id, used in external refs (`FS-INV-<short id>`). */
export function shortId(id: string): string {
  return id.slice(id.indexOf('_') + 1);
}
