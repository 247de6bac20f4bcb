/**
 * Acumatica wraps every field as `{ "value": … }` and returns an empty field as `{}`.
 * These helpers wrap outgoing values and read incoming ones, treating `{}`, `{value:null}` and a
 * missing field alike.
 */

/** A wrapped field as Acumatica sends it; `error` appears on 422 echoes. */
export interface WrappedValue<T> {
  value?: T | null;
  error?: string;
}

/** System fields present on every top-level, linked and detail entity. */
export interface AcumaticaRecord {
  id?: string;
  rowNumber?: number;
  note?: WrappedValue<string>;
  custom?: Record<string, unknown>;
  error?: string;
  _links?: Record<string, string>;
  [field: string]: unknown;
}

export type Primitive = string | number | boolean;

/** Wraps a value as `{ value }`; `null` clears the field in Acumatica. */
export function wrap<T extends Primitive>(value: T | null): { value: T | null } {
  return { value };
}

/**
 * Wraps every defined entry of a plain object; `undefined` entries are left out so that a PUT
 * only touches the fields the caller means to set.
 */
export function wrapFields(
  fields: Readonly<Record<string, Primitive | null | undefined>>,
): Record<string, { value: Primitive | null }> {
  const out: Record<string, { value: Primitive | null }> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) out[name] = { value };
  }
  return out;
}

/** Reads a wrapped field's raw value: `undefined`, `{}` and `{value:null}` all give `null`. */
export function unwrap(field: unknown): unknown {
  if (field === null || typeof field !== 'object' || Array.isArray(field)) return null;
  const value = (field as { value?: unknown }).value;
  return value === undefined ? null : value;
}

/** Reads a wrapped string; non-strings give `null` (numbers are stringified, as keys often are). */
export function unwrapString(field: unknown): string | null {
  const value = unwrap(field);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** Reads a wrapped number; numeric strings are accepted, anything else gives `null`. */
export function unwrapNumber(field: unknown): number | null {
  const value = unwrap(field);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Reads a wrapped boolean; anything but a boolean gives `null`. */
export function unwrapBoolean(field: unknown): boolean | null {
  const value = unwrap(field);
  return typeof value === 'boolean' ? value : null;
}

/** Reads a wrapped ISO date-time (Acumatica sends an explicit offset); unparseable gives `null`. */
export function unwrapDate(field: unknown): Date | null {
  const value = unwrap(field);
  if (typeof value !== 'string' || value === '') return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}
