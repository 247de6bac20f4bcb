/**
 * Building blocks the entity mappers share: readers for nested Acumatica objects, dates, addresses,
 * document lines, detail-row matching on update, keys and field lists.
 */
import { createHash } from 'node:crypto';
import type { EntityType, RestVersion } from '../../core/entities';
import type { RecordMergeSpec } from '../../core/merge-record';
import type { Address, Contact, Line } from '../../core/records';
import {
  type AcumaticaRecord,
  type Primitive,
  unwrapDate,
  unwrapNumber,
  unwrapString,
  wrapFields,
} from '../values';
import {
  type AcumaticaBody,
  type Dependency,
  type EntityMapper,
  type FieldKind,
  type FieldList,
  type KeyFields,
  MissingDependencyError,
  type PullIds,
  type PullResult,
  type PulledFields,
  type PushKeys,
  type UnresolvedReference,
} from './types';

// ---------------------------------------------------------------------------------------------------
// Reading

/** A linked entity (nested object), or undefined when absent or not expanded. */
export function linked(record: AcumaticaRecord | undefined, name: string): AcumaticaRecord | undefined {
  const value = record?.[name];
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as AcumaticaRecord)
    : undefined;
}

/** A detail collection (array), empty when absent or not expanded. */
export function details(record: AcumaticaRecord | undefined, name: string): AcumaticaRecord[] {
  const value = record?.[name];
  return Array.isArray(value) ? (value as AcumaticaRecord[]) : [];
}

/** A wrapped string, trimmed (key segments come padded), with '' read as absent. */
export function str(record: AcumaticaRecord | undefined, name: string): string | undefined {
  const value = unwrapString(record?.[name])?.trim();
  return value ? value : undefined;
}

export function num(record: AcumaticaRecord | undefined, name: string): number | undefined {
  return unwrapNumber(record?.[name]) ?? undefined;
}

/**
 * The calendar date of a date field as Acumatica wrote it. Date-only fields come back as local
 * midnight with an offset (`2025-03-04T00:00:00-05:00`); converting to UTC could move them a day.
 */
export function dateOnly(record: AcumaticaRecord | undefined, name: string): string | undefined {
  const value = str(record, name);
  const match = value ? /^(\d{4}-\d{2}-\d{2})/.exec(value) : null;
  return match?.[1];
}

/** An instant field as an ISO UTC string (offsets honoured). */
export function instant(record: AcumaticaRecord | undefined, name: string | null): string | null {
  if (name === null) return null;
  return unwrapDate(record?.[name])?.toISOString() ?? null;
}

export function acumaticaId(record: AcumaticaRecord): string | null {
  return typeof record.id === 'string' && record.id !== '' ? record.id : null;
}

/**
 * A pulled Acumatica record (one with a GUID and a modified field) as a pull result. `fields` lose
 * their undefined entries: a managed field left out means Acumatica has no value.
 */
export function pulledRecord<T extends EntityType>(
  entity: AcumaticaRecord,
  result: {
    key: string;
    modifiedField: string | null;
    fields: PulledFields<T>;
    createDefaults: PulledFields<T>;
    unresolved?: UnresolvedReference[];
  },
): PullResult<T> {
  return {
    kind: 'record',
    acumaticaId: acumaticaId(entity),
    key: result.key,
    modifiedAt: instant(entity, result.modifiedField),
    fields: compact(result.fields),
    createDefaults: result.createDefaults,
    unresolved: result.unresolved ?? [],
  };
}

/** `pullReferences` of an entity that refers to no customers or items. */
export const noReferences = (): { customers: string[]; items: string[] } => ({ customers: [], items: [] });

// ---------------------------------------------------------------------------------------------------
// Writing

/** Wrapped fields; `undefined` entries are left out, `null` clears the field. */
export const wrapped = (fields: Readonly<Record<string, Primitive | null | undefined>>): AcumaticaBody =>
  wrapFields(fields);

/** Fields mapped to null are sent as `{value:null}`, so clearing a value on our side clears it in Acumatica. */
export const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

// ---------------------------------------------------------------------------------------------------
// Addresses

/** How an address is written and read: `skipFirstLine` leaves AddressLine1 to Acumatica (customers only). */
export interface AddressMode {
  skipFirstLine: boolean;
}

/**
 * Our address as an Acumatica `Address`. Acumatica has two street lines: our line2 and line3 share
 * AddressLine2. With `skipFirstLine`, AddressLine1 belongs to Acumatica (often the company name): our
 * line1 goes to AddressLine2 and our other lines are not sent. Coordinates are never sent (no field).
 */
export function addressToAcumatica(address: Address, mode: AddressMode): AcumaticaBody {
  const rest = joinLines(address.line2, address.line3);
  return wrapped({
    ...(mode.skipFirstLine
      ? { AddressLine2: orNull(address.line1) }
      : { AddressLine1: orNull(address.line1), AddressLine2: orNull(rest) }),
    City: orNull(address.city),
    State: orNull(address.state),
    PostalCode: orNull(address.postalCode),
    // Country is required by Acumatica's address validation: never cleared, only set.
    Country: address.country,
  });
}

/** An Acumatica `Address` as ours; undefined when it carries nothing. Never invents coordinates. */
export function addressFromAcumatica(
  address: AcumaticaRecord | undefined,
  mode: AddressMode,
): Address | undefined {
  if (!address) return undefined;
  const out: Address = {
    line1: str(address, mode.skipFirstLine ? 'AddressLine2' : 'AddressLine1'),
    // Acumatica's schema has no AddressLine3, so with the first line skipped there is no second line.
    line2: mode.skipFirstLine ? undefined : str(address, 'AddressLine2'),
    city: str(address, 'City'),
    state: str(address, 'State'),
    postalCode: str(address, 'PostalCode'),
    country: str(address, 'Country')?.toUpperCase(),
  };
  return dropUndefined(out);
}

/** Our address reduced to what survives a push and pull under `mode`, for comparisons. */
export function comparableAddress(address: Address | undefined, mode: AddressMode): Address | undefined {
  if (!address) return undefined;
  return dropUndefined({
    line1: address.line1,
    line2: mode.skipFirstLine ? undefined : joinLines(address.line2, address.line3),
    city: address.city,
    state: address.state,
    postalCode: address.postalCode,
    country: address.country,
  });
}

function joinLines(...lines: (string | undefined)[]): string | undefined {
  const present = lines.filter((l): l is string => Boolean(l));
  return present.length > 0 ? present.join(', ') : undefined;
}

/** Undefined when every entry is undefined, else the object without its undefined entries. */
export function dropUndefined<T extends object>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length > 0 ? (Object.fromEntries(entries) as T) : undefined;
}

/** The object without its undefined entries (a pulled field left out means "no value"). */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

// ---------------------------------------------------------------------------------------------------
// Document lines

/** Resolves each line's InventoryID, collecting the products/services not in Acumatica yet. */
export function lineItems(
  lines: readonly Line[],
  keys: PushKeys,
  missing: Dependency[],
): (string | undefined)[] {
  return lines.map((line) => {
    if (!line.productId && !line.serviceId && !line.sku) return undefined;
    const key = keys.item(line) ?? (line.productId || line.serviceId ? undefined : skuKey(line.sku ?? ''));
    if (key === undefined) {
      if (line.productId) missing.push({ entity: 'products', id: line.productId });
      else if (line.serviceId) missing.push({ entity: 'services', id: line.serviceId });
    }
    return key;
  });
}

export function lineDependencies(lines: readonly Line[]): Dependency[] {
  return lines.flatMap((l): Dependency[] =>
    l.productId
      ? [{ entity: 'products', id: l.productId }]
      : l.serviceId
        ? [{ entity: 'services', id: l.serviceId }]
        : [],
  );
}

/** A pulled line's item: our product or service id, else the bare SKU. */
export function lineItemFromAcumatica(inventoryId: string | undefined, ids: PullIds): Partial<Line> {
  if (!inventoryId) return {};
  return ids.item(inventoryId) ?? { sku: inventoryId };
}

/** A line as a pull sees it: one item reference (product, service or upper-cased SKU), no empties. */
export function comparableLine(line: Partial<Line>): Record<string, unknown> {
  const item = line.productId
    ? `product:${line.productId}`
    : line.serviceId
      ? `service:${line.serviceId}`
      : line.sku
        ? `sku:${skuKey(line.sku)}`
        : undefined;
  return {
    item,
    description: line.description,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    uom: line.uom,
    // Acumatica answers 0 for "no discount".
    discountPercent: line.discountPercent || undefined,
  };
}

/**
 * How views merge field by field (core/merge-record.ts): lines are identified by their item (else their
 * description), and a line's `item` stands for the record's productId, serviceId or sku.
 */
export const VIEW_MERGE: RecordMergeSpec = {
  lines: { fields: ['lines'], key: (line) => String(line.item ?? line.description ?? '') },
  lineKeys: (viewKey) => (viewKey === 'item' ? ['productId', 'serviceId', 'sku'] : [viewKey]),
};

/** Rounds half away from zero to `digits` decimals (money: 2). */
export function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return (Math.sign(value) * Math.round(Math.abs(value) * factor + 1e-9)) / factor;
}

/** Throws when anything was missing: one error naming every dependency. */
export function assertResolved(missing: Dependency[]): void {
  if (missing.length > 0) throw new MissingDependencyError(missing);
}

/**
 * Detail rows for a PUT. On update (`current` rows known) each desired row takes the `id` of the
 * current row at the same position and surplus current rows are deleted, so an update never
 * duplicates lines; on create rows are inserted as they are.
 */
export function reconcileRows(
  current: AcumaticaRecord[] | undefined,
  desired: AcumaticaBody[],
): AcumaticaBody[] {
  if (!current) return desired;
  const rows = desired.map((row, i) => {
    const id = current[i]?.id;
    return typeof id === 'string' ? { id, ...row } : row;
  });
  for (const row of current.slice(desired.length)) {
    if (typeof row.id === 'string') rows.push({ id: row.id, delete: true });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// Keys

/** InventoryID for a SKU: Acumatica keys are upper case. */
export function skuKey(sku: string): string {
  return sku.trim().toUpperCase();
}

/** Acumatica's usual CustomerID/VendorID length (segmented key of 10 in stock configurations). */
export const ACCOUNT_KEY_LENGTH = 10;
const ACCOUNT_KEY = /^[A-Z0-9][A-Z0-9_-]*$/;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A client-chosen CustomerID/VendorID: the record's number upper-cased when it is a valid key of at
 * most 10 characters, else the prefix and 9 characters of base-32 sha256 of our id (deterministic
 * and case-safe, since Acumatica compares keys without case).
 */
export function accountKey(prefix: 'C' | 'V', record: { _id: string; number?: string | undefined }): string {
  const number = record.number?.trim().toUpperCase();
  if (number && number.length <= ACCOUNT_KEY_LENGTH && ACCOUNT_KEY.test(number)) return number;
  const digest = createHash('sha256').update(record._id).digest();
  let out = prefix;
  for (let i = 0; out.length < ACCOUNT_KEY_LENGTH; i++) out += CROCKFORD[(digest[i] ?? 0) % 32];
  return out;
}

/** Key fields for a single-key entity. */
export function singleKey(field: string) {
  return (externalId: string): KeyFields => {
    const key = externalId.trim();
    if (key === '') throw new TypeError(`Empty ${field} in externalId`);
    return { body: { [field]: { value: key } }, segments: [key] };
  };
}

/** Key fields for a two-part key written as `first/second` (e.g. `SO/SO004512`). */
export function pairKey(first: string, second: string) {
  return (externalId: string): KeyFields => {
    const slash = externalId.indexOf('/');
    const a = externalId.slice(0, slash).trim();
    const b = externalId.slice(slash + 1).trim();
    if (slash < 0 || a === '' || b === '') {
      throw new TypeError(`externalId ${JSON.stringify(externalId)} is not of the form ${first}/${second}`);
    }
    return { body: { [first]: { value: a }, [second]: { value: b } }, segments: [a, b] };
  };
}

export function pairKeyOf(first: string, second: string) {
  return (record: AcumaticaRecord): string => `${str(record, first) ?? ''}/${str(record, second) ?? ''}`;
}

/** How a registry entry reads and writes its key. */
export type KeyAccess = Pick<EntityMapper<EntityType>, 'keyOf' | 'keyFieldsFromExternalId'>;

/** Key access for an entity keyed by one field (`CustomerID`, `InventoryID`, `ProjectID`). */
export function singleKeyed(field: string): KeyAccess {
  return { keyOf: (entity) => str(entity, field) ?? '', keyFieldsFromExternalId: singleKey(field) };
}

/** Key access for an entity keyed by two fields, written `first/second` (`SO/SO004512`). */
export function pairKeyed(first: string, second: string): KeyAccess {
  return { keyOf: pairKeyOf(first, second), keyFieldsFromExternalId: pairKey(first, second) };
}

// ---------------------------------------------------------------------------------------------------
// Field lists

const VERSION_ORDER: readonly RestVersion[] = ['22.200.001', '23.200.001', '24.200.001'];

/** True when `version` is `since` or later. */
export function atLeast(version: RestVersion, since: RestVersion): boolean {
  return VERSION_ORDER.indexOf(version) >= VERSION_ORDER.indexOf(since);
}

/** Prefixes field paths with a parent path: `fields('Customer.MainContact', {Email:'string'})`. */
export function under(parent: string, fields: Readonly<Record<string, FieldKind>>): FieldList {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [`${parent}.${k}`, v]));
}

/** An Address's fields (the same on every Address-shaped type). */
export const ADDRESS_FIELDS: Readonly<Record<string, FieldKind>> = {
  AddressLine1: 'string',
  AddressLine2: 'string',
  City: 'string',
  State: 'string',
  PostalCode: 'string',
  Country: 'string',
};

/** A contact's business phone, else its first. */
export function contactPhone(contact: Contact | undefined): string | undefined {
  return (contact?.phones.find((p) => p.kind === 'business') ?? contact?.phones[0])?.number;
}

export function statusLabel(status: 'ACTIVE' | 'INACTIVE'): string {
  return status === 'ACTIVE' ? 'Active' : 'Inactive';
}
