/**
 * The activities' view of the mapper registry: one untyped-by-entity accessor, the hash both directions
 * compare, and small record helpers.
 */
import {
  MAPPERS,
  pulledHash,
  pushHash,
  type EntityMapper,
  type PulledFields,
  type PushContext,
} from '../acumatica/mappers';
import { hasValidCoordinates, type Customer, type RecordTypes } from '../core/records';
import type { EntityType } from '../core/entities';
import type { RunSettings } from '../core/runs';

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
export function fieldsHash(
  entity: EntityType,
  fields: PulledFields<EntityType>,
  settings: RunSettings,
): string {
  return pulledHash(entity, fields, settings);
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
