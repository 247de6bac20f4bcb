/**
 * Services ↔ Acumatica `NonStockItem` (both directions; client-chosen `InventoryID` = SKU upper-cased).
 * Non-stock items name their units `BaseUnit`/`SalesUnit` (stock items: `BaseUOM`/`SalesUOM`).
 */
import type { RestVersion } from '../../core/entities';
import type { Service } from '../../core/records';
import type { AcumaticaRecord } from '../values';
import { acumaticaId, compact, instant, num, singleKey, skuKey, statusLabel, str, wrapped } from './common';
import { INACTIVE_ITEM_STATUSES } from './products';
import type { AcumaticaBody, EntityMapper, FieldList, PullResult, PulledFields, PushContext } from './types';

const ENTITY = 'NonStockItem';
const MODIFIED = 'LastModifiedDateTime';

/** Maps a service to a `NonStockItem` PUT body. */
export function serviceToAcumatica(record: Service, _ctx: PushContext): AcumaticaBody {
  return wrapped({
    InventoryID: record.sync.externalId ?? skuKey(record.sku),
    Description: record.description,
    ItemStatus: statusLabel(record.status),
    DefaultPrice: record.price,
    BaseUnit: record.unit,
    SalesUnit: record.unit,
    ItemClass: record.itemClass,
  });
}

/** Maps an Acumatica `NonStockItem` to our fields. */
export function serviceFromAcumatica(entity: AcumaticaRecord): PullResult<'services'> {
  const key = str(entity, 'InventoryID') ?? '';
  const status = str(entity, 'ItemStatus');
  return {
    kind: 'record',
    acumaticaId: acumaticaId(entity),
    key,
    modifiedAt: instant(entity, MODIFIED),
    fields: compact({
      description: str(entity, 'Description') ?? key,
      status: status && INACTIVE_ITEM_STATUSES.includes(status) ? 'INACTIVE' : 'ACTIVE',
      price: num(entity, 'DefaultPrice') ?? 0,
      unit: str(entity, 'BaseUnit'),
      itemClass: str(entity, 'ItemClass'),
    }),
    createDefaults: { sku: key },
    unresolved: [],
  };
}

/** A service reduced to what a push then a pull preserves. */
export function comparableService(fields: PulledFields<'services'> | Service): Record<string, unknown> {
  return {
    description: fields.description,
    status: fields.status ?? 'ACTIVE',
    price: fields.price,
    unit: fields.unit,
    itemClass: fields.itemClass,
  };
}

function fieldList(_version: RestVersion, direction: 'push' | 'pull'): FieldList {
  return {
    'NonStockItem.InventoryID': 'string',
    'NonStockItem.Description': 'string',
    'NonStockItem.ItemStatus': 'string',
    'NonStockItem.DefaultPrice': 'number',
    'NonStockItem.BaseUnit': 'string',
    'NonStockItem.ItemClass': 'string',
    ...(direction === 'push'
      ? { 'NonStockItem.SalesUnit': 'string' }
      : { 'NonStockItem.LastModifiedDateTime': 'datetime' }),
  };
}

export const servicesMapper: EntityMapper<'services'> = {
  entity: 'services',
  acumaticaEntity: ENTITY,
  keyFor: (record) => skuKey(record.sku),
  push: serviceToAcumatica,
  dependencies: () => [],
  pull: serviceFromAcumatica,
  comparable: comparableService,
  pullReferences: () => ({ customers: [], items: [] }),
  pullQuery: () => ({ entity: ENTITY, modifiedField: MODIFIED, expand: [] }),
  keyOf: (entity) => str(entity, 'InventoryID') ?? '',
  keyFieldsFromExternalId: singleKey('InventoryID'),
  fieldList,
};
