/**
 * The activities' view of the mapper registry: one untyped-by-entity accessor, the hash both directions
 * compare, and small record helpers.
 */
import type { AcumaticaRecord } from '../acumatica';
import {
  MAPPERS,
  VIEW_MERGE,
  pulledHash,
  pushHash,
  type EntityMapper,
  type PullIds,
  type PulledFields,
  type PushContext,
} from '../acumatica/mappers';
import { plainView, type SyncView } from '../core/merge';
import type { RecordMergeSpec } from '../core/merge-record';
import { hasValidCoordinates, type Customer, type RecordTypes } from '../core/records';
import type { EntityType } from '../core/entities';
import type { RunSettings } from '../core/runs';
import type { RecordRepositories } from '../store/records';

export type AnyMapper = EntityMapper<EntityType>;
export type AnyRecord = RecordTypes[EntityType];

/** The mapper of an entity type, widened so one code path serves every type. */
export function mapperFor(entity: EntityType): AnyMapper {
  return MAPPERS[entity] as unknown as AnyMapper;
}

/**
 * The hash stored as `sync.lastSyncedHash`, one meaning in both directions. Two-way types hash what a
 * pull can see (`pulledHash`), so a record and Acumatica's copy of it hash alike: our own push coming
 * back in a pull is recognised and identical content writes nothing. Push-only types hash the request
 * body (`pushHash`, built without Acumatica's current copy).
 */
export function recordHash(entity: EntityType, record: AnyRecord, ctx: PushContext): string {
  return mapperFor(entity).comparable
    ? pulledHash(entity, record, ctx.settings)
    : pushHash(entity, record, ctx);
}

/** The hash of a pull's fields, comparable with {@link recordHash} of the record they came from. */
function fieldsHash(entity: EntityType, fields: PulledFields<EntityType>, settings: RunSettings): string {
  return pulledHash(entity, fields, settings);
}

/**
 * What the field-level merge (core/merge.ts) compares for a record of this type: the mapper's comparable
 * view, the same the hashes are computed from. `fields` is the view of a pull's fields; `of` takes the view
 * of a stored record. Undefined for push-only types (no mapping back from Acumatica).
 */
export interface MergeView {
  fields: SyncView;
  of: (record: object) => SyncView;
  spec: RecordMergeSpec;
}

/** The merge view of a pull's fields (see {@link MergeView}). */
function mergeView(
  entity: EntityType,
  fields: PulledFields<EntityType>,
  settings: RunSettings,
): MergeView | undefined {
  const comparable = mapperFor(entity).comparable;
  if (!comparable) return undefined;
  const of = (record: object) => plainView(comparable(record as never, settings));
  return { fields: of(fields), of, spec: VIEW_MERGE };
}

/**
 * What a pull and a push's merge hand `applyPulled` for Acumatica's copy of a record: its fields, their
 * hash (comparable with {@link recordHash}) and, for two-way types, the merge view.
 * @param fields what the repository writes (a pull adds create-only defaults for a new record)
 * @param pulled the fields as mapped from Acumatica, which the hash and the view are taken from
 */
export function pulledContent(
  entity: EntityType,
  fields: PulledFields<EntityType>,
  pulled: PulledFields<EntityType>,
  settings: RunSettings,
) {
  const view = mergeView(entity, pulled, settings);
  return {
    hash: fieldsHash(entity, pulled, settings),
    fields: fields as never,
    ...(view ? { view } : {}),
  };
}

/** The base a push stores: the view of the record as sent (undefined for push-only types). */
export function recordView(
  entity: EntityType,
  record: AnyRecord,
  settings: RunSettings,
): Record<string, unknown> | undefined {
  const comparable = mapperFor(entity).comparable;
  return comparable ? plainView(comparable(record, settings)) : undefined;
}

/** A short human name of a record for notes and summaries. */
export function recordName(record: object): string {
  const r = record as Record<string, unknown>;
  for (const key of ['name', 'description', 'sku', 'number', 'priceCode', 'projectCode', 'externalRef']) {
    const value = r[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim().slice(0, 80);
  }
  return '';
}

/** True when a customer can be routed to: its billing address or one of its locations has coordinates. */
export function customerHasGeo(customer: Pick<Partial<Customer>, 'billingAddress' | 'locations'>): boolean {
  return (
    hasValidCoordinates(customer.billingAddress) ||
    (customer.locations ?? []).some((l) => hasValidCoordinates(l.address))
  );
}

/**
 * Our ids of the customers and items that Acumatica records refer to (by their Acumatica keys), for the
 * pull mappers. One query per referenced entity type, whatever the number of records.
 */
export async function resolveReferences(
  records: RecordRepositories,
  accountId: string,
  mapper: AnyMapper,
  raws: readonly AcumaticaRecord[],
): Promise<PullIds> {
  const customers = new Map<string, string>();
  const items = new Map<string, { productId: string } | { serviceId: string }>();
  if (mapper.pullReferences) {
    const refs = raws.map((r) => mapper.pullReferences?.(r) ?? { customers: [], items: [] });
    const customerKeys = [...new Set(refs.flatMap((r) => r.customers))];
    const itemKeys = [...new Set(refs.flatMap((r) => r.items))];
    for (const c of await records.customers.findByExternalIds(accountId, customerKeys)) {
      if (c.sync.externalId) customers.set(c.sync.externalId, c._id);
    }
    // A key that is both a product and a service resolves to the product, as Acumatica keeps one item list.
    for (const s of await records.services.findByExternalIds(accountId, itemKeys)) {
      if (s.sync.externalId) items.set(s.sync.externalId, { serviceId: s._id });
    }
    for (const p of await records.products.findByExternalIds(accountId, itemKeys)) {
      if (p.sync.externalId) items.set(p.sync.externalId, { productId: p._id });
    }
  }
  return { customer: (key) => customers.get(key), item: (key) => items.get(key) };
}
