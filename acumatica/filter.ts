/**
 * OData v3 `$filter` expressions for the contract-based API, and the query string for
 * `$select/$expand/$filter/$top/$skip/$custom`. Field names are validated and literals are typed,
 * so no caller ever concatenates user data into a filter.
 */

/** A filter expression; `text` is the raw OData (not yet URL-encoded). */
export interface Filter {
  readonly text: string;
  /** True for `and`/`or` compositions, which need parentheses when nested. */
  readonly compound: boolean;
}

/** A typed literal for a filter comparison. */
export type FilterLiteral = string | number | boolean | null | Date | TypedLiteral;

export interface TypedLiteral {
  readonly odata: string;
}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** ISO date, optional time, optional fraction, optional offset (`Z` or `±hh:mm`). */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

function field(path: string): string {
  if (!FIELD_PATH.test(path))
    throw new TypeError(`Invalid Acumatica field path in filter: ${JSON.stringify(path)}`);
  return path;
}

/** Quotes a string literal, doubling embedded single quotes (`O'Brien` → `'O''Brien'`). */
export function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A `datetimeoffset'…'` literal. A string keeps its own offset (Acumatica compares instants, and
 * converting a date-only local midnight to UTC would move it a day); a Date is written in UTC as
 * `+00:00`.
 */
export function datetimeOffset(value: Date | string): TypedLiteral {
  let text: string;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('Invalid Date in datetimeoffset literal');
    text = value.toISOString().replace(/Z$/, '+00:00');
  } else {
    if (!ISO_DATE_TIME.test(value))
      throw new TypeError(`Invalid datetimeoffset literal: ${JSON.stringify(value)}`);
    text = value;
  }
  return { odata: `datetimeoffset'${text}'` };
}

/** A `guid'…'` literal (e.g. for `NoteID`). */
export function guid(value: string): TypedLiteral {
  if (!GUID.test(value)) throw new TypeError(`Invalid GUID literal: ${JSON.stringify(value)}`);
  return { odata: `guid'${value}'` };
}

/** A decimal literal with the `M` suffix Acumatica's own examples use (`10.5M`). */
export function decimal(value: number): TypedLiteral {
  if (!Number.isFinite(value)) throw new TypeError(`Invalid decimal literal: ${value}`);
  return { odata: `${value}M` };
}

function literal(value: FilterLiteral): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Invalid number literal in filter: ${value}`);
    return String(value);
  }
  if (value instanceof Date) return datetimeOffset(value).odata;
  return value.odata;
}

function comparison(op: string) {
  return (path: string, value: FilterLiteral): Filter => ({
    text: `${field(path)} ${op} ${literal(value)}`,
    compound: false,
  });
}

function group(op: 'and' | 'or', parts: readonly (Filter | undefined)[]): Filter | undefined {
  const present = parts.filter((p): p is Filter => p !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return {
    text: present.map((p) => (p.compound ? `(${p.text})` : p.text)).join(` ${op} `),
    compound: true,
  };
}

/** Builders for `$filter` expressions. `and`/`or` skip `undefined` parts (optional conditions). */
export const filter = {
  eq: comparison('eq'),
  ne: comparison('ne'),
  gt: comparison('gt'),
  ge: comparison('ge'),
  lt: comparison('lt'),
  le: comparison('le'),
  /** All parts must hold; undefined when every part is undefined. */
  and: (...parts: (Filter | undefined)[]): Filter | undefined => group('and', parts),
  /** Any part holds; undefined when every part is undefined. */
  or: (...parts: (Filter | undefined)[]): Filter | undefined => group('or', parts),
  /** `startswith(Field,'x')`, used bare: `… eq true` silently returns nothing on real instances. */
  startswith: (path: string, prefix: string): Filter => ({
    text: `startswith(${field(path)},${quote(prefix)})`,
    compound: false,
  }),
  /** `endswith(Field,'x')`, used bare. */
  endswith: (path: string, suffix: string): Filter => ({
    text: `endswith(${field(path)},${quote(suffix)})`,
    compound: false,
  }),
  /** `substringof('x',Field)`, used bare. */
  substringof: (needle: string, path: string): Filter => ({
    text: `substringof(${quote(needle)},${field(path)})`,
    compound: false,
  }),
};

/** Query options shared by GET, list and PUT. */
export interface QueryOptions {
  select?: string | readonly string[];
  expand?: string | readonly string[];
  filter?: Filter | string;
  custom?: string | readonly string[];
  top?: number;
  skip?: number;
}

/** Encodes a value but keeps `,` and `/` readable: both are list/path syntax for Acumatica. */
function encodeList(value: string): string {
  return encodeURIComponent(value).replace(/%2C/gi, ',').replace(/%2F/gi, '/');
}

function list(value: string | readonly string[]): string {
  const items = typeof value === 'string' ? [value] : value;
  return items
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join(',');
}

function count(name: string, value: number): string {
  if (!Number.isInteger(value) || value < 0)
    throw new TypeError(`${name} must be a non-negative integer, got ${value}`);
  return String(value);
}

/**
 * Builds `?$select=…&$expand=…&$filter=…&$top=…&$skip=…` (empty string when nothing is set).
 * The filter is URL-encoded as a whole, so `+03:00` offsets travel as `%2B03%3A00`.
 */
export function buildQuery(options: QueryOptions): string {
  const parts: string[] = [];
  if (options.select !== undefined && list(options.select) !== '')
    parts.push(`$select=${encodeList(list(options.select))}`);
  if (options.expand !== undefined && list(options.expand) !== '')
    parts.push(`$expand=${encodeList(list(options.expand))}`);
  if (options.filter !== undefined) {
    const text = typeof options.filter === 'string' ? options.filter : options.filter.text;
    if (text !== '') parts.push(`$filter=${encodeURIComponent(text)}`);
  }
  if (options.custom !== undefined && list(options.custom) !== '')
    parts.push(`$custom=${encodeList(list(options.custom))}`);
  if (options.top !== undefined) parts.push(`$top=${count('$top', options.top)}`);
  if (options.skip !== undefined) parts.push(`$skip=${count('$skip', options.skip)}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}
