/**
 * Services ↔ Acumatica `NonStockItem` (both directions; client-chosen `InventoryID` = SKU upper-cased).
 * Non-stock items name their units `BaseUnit`/`SalesUnit` (stock items: `BaseUOM`/`SalesUOM`).
 */
import type { Service } from '../../core/records';
import type { AcumaticaRecord } from '../values';
import { pulledRecord, str, wrapped } from './common';
import {
  comparableItem,
  ITEM_MAPPER_PARTS,
  itemFieldList,
  itemFromAcumatica,
  itemToAcumatica,
} from './items';
import type { AcumaticaBody, EntityMapper, PullResult, PulledFields, PushContext } from './types';

const ENTITY = 'NonStockItem';
const MODIFIED = 'LastModifiedDateTime';
const UNITS = { base: 'BaseUnit', sales: 'SalesUnit' };

/** Maps a service to a `NonStockItem` PUT body. */
export function serviceToAcumatica(record: Service, _ctx: PushContext): AcumaticaBody {
  return wrapped(itemToAcumatica(record, UNITS));
}

/** Maps an Acumatica `NonStockItem` to our fields. */
export function serviceFromAcumatica(entity: AcumaticaRecord): PullResult<'services'> {
  const key = str(entity, 'InventoryID') ?? '';
  return pulledRecord<'services'>(entity, {
    key,
    modifiedField: MODIFIED,
    fields: itemFromAcumatica(entity, key, UNITS),
    createDefaults: { sku: key },
  });
}

/** A service reduced to what a push then a pull preserves. */
export function comparableService(fields: PulledFields<'services'> | Service): Record<string, unknown> {
  return comparableItem(fields);
}

export const servicesMapper: EntityMapper<'services'> = {
  entity: 'services',
  acumaticaEntity: ENTITY,
  ...ITEM_MAPPER_PARTS,
  push: serviceToAcumatica,
  pull: serviceFromAcumatica,
  comparable: comparableService,
  pullQuery: () => ({ entity: ENTITY, modifiedField: MODIFIED, expand: [] }),
  fieldList: (_version, direction) => itemFieldList(ENTITY, UNITS, MODIFIED, direction),
};
