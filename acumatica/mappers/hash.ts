/**
 * Stable content hashes of mapped payloads: the same content gives the same hash whatever the key
 * order, so a re-run with nothing changed writes nothing and our own pushes are recognised when they
 * come back in a pull.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted and `undefined` entries dropped (as JSON.stringify drops them). */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : stableStringify(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/** sha256 (hex) of a payload's stable JSON. */
export function contentHash(payload: unknown): string {
  return createHash('sha256').update(stableStringify(payload)).digest('hex');
}
