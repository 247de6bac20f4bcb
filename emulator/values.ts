/**
 * Value conversion between the contract's `{value}` wrappers and the emulator's stored plain values.
 * Date-times are stored as ISO-8601 UTC strings and rendered with the instance's fixed UTC offset,
 * the way a real instance renders them (`2025-09-04T04:33:43.497+00:00`).
 */
import type { WrapperType } from './schema';

export type Plain = string | number | boolean | null;

/** A stored value as key lookups compare it: text in upper case, null and missing as ''. */
export const ucase = (v: Plain | undefined): string => String(v ?? '').toUpperCase();

/** Thrown when a wrapped value cannot be converted to its field's type; becomes a field `error` on 422. */
export class ValueConversionError extends Error {}

const OFFSET_RE = /^([+-])(\d{2}):(\d{2})$/;

/** Minutes east of UTC for an offset like `+03:00`. */
export function offsetMinutes(offset: string): number {
  const m = OFFSET_RE.exec(offset);
  if (!m) throw new Error(`Invalid UTC offset ${offset}`);
  const mins = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -mins : mins;
}

/** Parses an incoming date/time text; texts without an offset are read in the instance offset. */
export function parseDateTime(text: string, instanceOffset: string): Date | undefined {
  const t = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(t) && t.length > 10;
  const withTime = t.length === 10 ? `${t}T00:00:00` : t;
  const d = new Date(hasZone ? withTime : `${withTime}${instanceOffset}`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Renders an instant in the instance offset with milliseconds, e.g. `2025-03-04T14:22:08.170+00:00`. */
export function formatDateTime(iso: string, instanceOffset: string): string {
  const ms = new Date(iso).getTime() + offsetMinutes(instanceOffset) * 60_000;
  return new Date(ms).toISOString().replace('Z', instanceOffset);
}

/** Converts a request value (already unwrapped) to the stored plain form for the wrapper type. */
export function toPlain(type: WrapperType, raw: unknown, instanceOffset: string): Plain {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 'String':
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
      break;
    case 'Decimal':
    case 'Double':
    case 'Int':
    case 'Short':
    case 'Long': {
      const n =
        typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (Number.isFinite(n)) {
        if (type === 'Decimal' || type === 'Double') return n;
        if (Number.isInteger(n)) return n;
      }
      break;
    }
    case 'Boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'True') return true;
      if (raw === 'false' || raw === 'False') return false;
      break;
    case 'Guid':
      if (typeof raw === 'string' && GUID_RE.test(raw)) return raw.toLowerCase();
      break;
    case 'DateTime':
      if (typeof raw === 'string') {
        const d = parseDateTime(raw, instanceOffset);
        if (d) return d.toISOString();
      }
      break;
  }
  throw new ValueConversionError(`The value '${String(raw)}' cannot be converted to ${type}.`);
}

/** Wraps a stored plain value for output: `{value}` or `{}` for null. */
export function wrap(
  type: WrapperType,
  value: Plain | undefined,
  instanceOffset: string,
): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (type === 'DateTime' && typeof value === 'string')
    return { value: formatDateTime(value, instanceOffset) };
  return { value };
}

/** Reads the `value` of a wrapped request field; `{}` and `{value:null}` both mean null. */
export function unwrap(field: unknown): { present: boolean; value: unknown } {
  if (field === null || typeof field !== 'object' || Array.isArray(field))
    return { present: false, value: undefined };
  if (!('value' in field)) return { present: false, value: undefined };
  return { present: true, value: (field as { value: unknown }).value };
}

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
