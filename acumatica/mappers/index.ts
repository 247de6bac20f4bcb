/**
 * The mapper registry: for each entity type, how its records become Acumatica request bodies (push),
 * how Acumatica records become our fields (pull), how to query them per REST version, how keys are
 * written, and the hashes that detect no-op pushes and the echo of our own pushes in a pull.
 */
import type { EntityType, RestVersion } from '../../core/entities';
import type { RecordTypes } from '../../core/records';
import type { RunSettings } from '../../core/runs';
import { customersMapper } from './customers';
import { estimatesMapper } from './estimates';
import { contentHash, stableStringify } from './hash';
import { invoicesMapper } from './invoices';
import { priceListsMapper } from './price-lists';
import { productsMapper } from './products';
import { projectsMapper } from './projects';
import { purchaseOrdersMapper } from './purchase-orders';
import { salesOrdersMapper } from './sales-orders';
import { servicesMapper } from './services';
import type { EntityMapper, FieldList, PulledFields, PushContext } from './types';
import { vendorsMapper } from './vendors';
import { workOrdersMapper } from './work-orders';

export { contentHash, stableStringify } from './hash';
export { customerKeyFor } from './customers';
export { vendorKeyFor } from './vendors';
export { skuKey, VIEW_MERGE } from './common';
export * from './types';

export const MAPPERS: { readonly [T in EntityType]: EntityMapper<T> } = {
  customers: customersMapper,
  vendors: vendorsMapper,
  products: productsMapper,
  services: servicesMapper,
  'price-lists': priceListsMapper,
  projects: projectsMapper,
  'work-orders': workOrdersMapper,
  estimates: estimatesMapper,
  'sales-orders': salesOrdersMapper,
  'purchase-orders': purchaseOrdersMapper,
  invoices: invoicesMapper,
};

/**
 * The Acumatica key we choose for a record of a client-chosen-key type on its first push (CustomerID,
 * VendorID, InventoryID); undefined for auto-numbered and pull-only types. Deterministic: the same
 * record always gets the same key. After the first push the record's `sync.externalId` is its key.
 */
export function acumaticaKeyFor<T extends EntityType>(entity: T, record: RecordTypes[T]): string | undefined {
  return MAPPERS[entity].keyFor?.(record);
}

/**
 * Hash of what a push sends for a record (`sync.lastSyncedHash`): equal hashes mean there is nothing
 * new to send. Computed without Acumatica's current copy, so line ids of an update do not count.
 */
export function pushHash<T extends EntityType>(entity: T, record: RecordTypes[T], ctx: PushContext): string {
  const push = MAPPERS[entity].push;
  if (!push) throw new TypeError(`${entity} is not pushed to Acumatica`);
  const { current: _current, ...rest } = ctx;
  return contentHash(push(record, rest));
}

/**
 * Hash of a record's fields as a pull sees them: the same for a pull's `fields` and for the stored
 * record they came from, so a pull of our own push (or of an unchanged record) is recognised.
 */
export function pulledHash<T extends EntityType>(
  entity: T,
  fields: PulledFields<T> | RecordTypes[T],
  settings: RunSettings,
): string {
  const comparable = MAPPERS[entity].comparable;
  if (!comparable) throw new TypeError(`${entity} is not pulled from Acumatica`);
  return contentHash(comparable(fields, settings));
}

/**
 * The update a pull makes to a stored record: the pulled fields whose comparable value differs
 * (`set`), and managed fields Acumatica no longer has (`unset`). Both empty: nothing to write.
 * Fields the pull does not manage (coordinates, locations, contacts of customers…) are never touched.
 */
export function pulledChanges<T extends EntityType>(
  entity: T,
  stored: RecordTypes[T],
  fields: PulledFields<T>,
  settings: RunSettings,
): { set: PulledFields<T>; unset: string[] } {
  const comparable = MAPPERS[entity].comparable;
  if (!comparable) throw new TypeError(`${entity} is not pulled from Acumatica`);
  const before = comparable(stored, settings);
  const after = comparable(fields, settings);
  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  for (const name of Object.keys(after)) {
    if (stableStringify(before[name]) === stableStringify(after[name])) continue;
    const value = (fields as Record<string, unknown>)[name];
    if (value === undefined) unset.push(name);
    else set[name] = value;
  }
  return { set: set as PulledFields<T>, unset };
}

/** The Acumatica field paths an entity type's mapper sends (push) or reads (pull) in a REST version. */
export function fieldList(entity: EntityType, version: RestVersion, direction: 'push' | 'pull'): FieldList {
  return MAPPERS[entity].fieldList(version, direction);
}
