/** The entity catalog as the console shows it (core/entities.ts is pure data, safe to bundle). */
import { ENTITIES, type EntityType } from '../../core/entities';
import type { RecordView } from './types';

export {
  DEFAULT_REST_VERSION,
  ENTITIES,
  ENTITY_TYPES,
  isEntityType,
  SUPPORTED_REST_VERSIONS,
  type EntityType,
} from '../../core/entities';

/** Pull-only types (price lists, projects…) come from Acumatica: the console shows them read-only. */
export const canExport = (type: EntityType): boolean => ENTITIES[type].directions.includes('push');

/** Plural label for tabs and headings. */
export const typeLabel = (type: EntityType): string =>
  type === 'price-lists' ? 'Price lists' : `${ENTITIES[type].label}s`;

/** Fields worth naming a record by, in order of preference. */
const TITLE_FIELDS = ['name', 'number', 'sku', 'description', 'title', 'code'];

/** A record's name in lists: its first naming field, else our reference. */
export function recordTitle(record: RecordView): string {
  for (const field of TITLE_FIELDS) {
    const value = record[field];
    if (typeof value === 'string' && value.trim()) return value;
  }
  return record.externalRef;
}
