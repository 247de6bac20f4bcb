/** Schemas and helpers shared by the routes. */
import { z } from 'zod';

/** Account ids look like `acc_k3j9x2m4q8w1` (store/ids.ts). */
export const accountId = z
  .string()
  .regex(/^acc_[0-9a-z]{6,40}$/, { error: 'must be an account id such as acc_k3j9x2m4q8w1' });

export const accountParams = z.object({ id: accountId }).strict();

/** Keyset page size: default 50, at most 500. */
export const limitQuery = (max = 500, fallback = 50) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(max, { error: `must be at most ${max}` })
    .default(fallback);

/** An ISO 8601 instant with a time zone, e.g. 2026-01-31T10:00:00Z. */
export const instant = z.iso
  .datetime({
    offset: true,
    error: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T10:00:00Z',
  })
  .transform((v) => new Date(v));

/** Timestamps travel as ISO strings. */
export const timestamp = z.string().meta({ format: 'date-time' });

/**
 * A JSON-ready copy of a stored document: Dates become ISO strings, everything else is kept. Documents
 * from MongoDB hold only plain data, so nothing else needs converting.
 */
export function toJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}

export const iso = (d: Date | undefined | null): string | undefined => d?.toISOString();
