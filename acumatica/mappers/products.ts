/**
 * Products ↔ Acumatica `StockItem` (both directions; client-chosen `InventoryID` = SKU upper-cased).
 * Manufacturer part number and barcode travel as `CrossReferences` rows: a `Global` row
 * (AlternateID = part number, Description = manufacturer name) and a `Barcode` row.
 */
import type { RestVersion } from '../../core/entities';
import type { Product } from '../../core/records';
import type { AcumaticaRecord } from '../values';
import {
  acumaticaId,
  atLeast,
  compact,
  details,
  instant,
  num,
  singleKey,
  skuKey,
  statusLabel,
  str,
  under,
  wrapped,
} from './common';
import type { AcumaticaBody, EntityMapper, FieldList, PullResult, PulledFields, PushContext } from './types';

const ENTITY = 'StockItem';
export const PART_NUMBER_TYPE = 'Global';
export const BARCODE_TYPE = 'Barcode';

/** StockItem's modified field: `LastModified` before 24.200.001, `LastModifiedDateTime` from 24. */
export function stockItemModifiedField(version: RestVersion): string {
  return atLeast(version, '24.200.001') ? 'LastModifiedDateTime' : 'LastModified';
}

/** Item status labels that mean the item is no longer sold. */
export const INACTIVE_ITEM_STATUSES: readonly string[] = ['Inactive', 'Marked for Deletion'];

/**
 * Cross-reference rows for a product. On update, rows Acumatica already has (same type and ID) are
 * not sent again; rows are never deleted, since ERP users keep their own cross-references there.
 */
function crossReferences(record: Product, current: AcumaticaRecord | undefined): AcumaticaBody[] {
  const wanted: AcumaticaBody[] = [];
  if (record.manufacturerPartNumber) {
    wanted.push(
      wrapped({
        AlternateType: PART_NUMBER_TYPE,
        AlternateID: record.manufacturerPartNumber,
        Description: record.manufacturerName,
      }),
    );
  }
  if (record.barcode) wanted.push(wrapped({ AlternateType: BARCODE_TYPE, AlternateID: record.barcode }));
  const existing = details(current, 'CrossReferences');
  return wanted.flatMap((row) => {
    const type = (row.AlternateType as { value: string }).value;
    const altId = (row.AlternateID as { value: string }).value;
    const match = existing.find((r) => str(r, 'AlternateType') === type && str(r, 'AlternateID') === altId);
    if (!match) return [row];
    // The same row is there: only its description (manufacturer name) may need an update.
    return type === PART_NUMBER_TYPE && str(match, 'Description') !== record.manufacturerName && match.id
      ? [{ id: match.id, ...row }]
      : [];
  });
}

/** Maps a product to a `StockItem` PUT body. */
export function productToAcumatica(record: Product, ctx: PushContext): AcumaticaBody {
  const rows = crossReferences(record, ctx.current);
  return {
    ...wrapped({
      InventoryID: record.sync.externalId ?? skuKey(record.sku),
      Description: record.description,
      ItemStatus: statusLabel(record.status),
      DefaultPrice: record.price,
      BaseUOM: record.unit,
      SalesUOM: record.unit,
      ItemClass: record.itemClass,
    }),
    ...(rows.length > 0 ? { CrossReferences: rows } : {}),
  };
}

/** The last row of a type: rows come in the order they were added, so the last is the newest. */
function lastOfType(rows: AcumaticaRecord[], type: string): AcumaticaRecord | undefined {
  return rows.filter((r) => str(r, 'AlternateType') === type).at(-1);
}

/** Maps an Acumatica `StockItem` to our fields. */
export function productFromAcumatica(
  entity: AcumaticaRecord,
  ctx: { restVersion: RestVersion },
): PullResult<'products'> {
  const key = str(entity, 'InventoryID') ?? '';
  const rows = details(entity, 'CrossReferences');
  const part = lastOfType(rows, PART_NUMBER_TYPE);
  const status = str(entity, 'ItemStatus');
  return {
    kind: 'record',
    acumaticaId: acumaticaId(entity),
    key,
    modifiedAt: instant(entity, stockItemModifiedField(ctx.restVersion)),
    fields: compact({
      description: str(entity, 'Description') ?? key,
      status: status && INACTIVE_ITEM_STATUSES.includes(status) ? 'INACTIVE' : 'ACTIVE',
      price: num(entity, 'DefaultPrice') ?? 0,
      unit: str(entity, 'BaseUOM'),
      itemClass: str(entity, 'ItemClass'),
      manufacturerPartNumber: str(part, 'AlternateID'),
      manufacturerName: str(part, 'Description'),
      barcode: str(lastOfType(rows, BARCODE_TYPE), 'AlternateID'),
    }),
    createDefaults: { sku: key },
    unresolved: [],
  };
}

/** A product reduced to what a push then a pull preserves (the name needs a part number to travel). */
export function comparableProduct(fields: PulledFields<'products'> | Product): Record<string, unknown> {
  return {
    description: fields.description,
    status: fields.status ?? 'ACTIVE',
    price: fields.price,
    unit: fields.unit,
    itemClass: fields.itemClass,
    manufacturerPartNumber: fields.manufacturerPartNumber,
    manufacturerName: fields.manufacturerPartNumber ? fields.manufacturerName : undefined,
    barcode: fields.barcode,
  };
}

function fieldList(version: RestVersion, direction: 'push' | 'pull'): FieldList {
  const crossRefs = under('StockItem.CrossReferences', {
    AlternateType: 'string',
    AlternateID: 'string',
    Description: 'string',
  });
  return {
    'StockItem.InventoryID': 'string',
    'StockItem.Description': 'string',
    'StockItem.ItemStatus': 'string',
    'StockItem.DefaultPrice': 'number',
    'StockItem.BaseUOM': 'string',
    'StockItem.ItemClass': 'string',
    'StockItem.CrossReferences': 'details',
    ...crossRefs,
    ...(direction === 'push'
      ? { 'StockItem.SalesUOM': 'string' }
      : { [`StockItem.${stockItemModifiedField(version)}`]: 'datetime' }),
  };
}

export const productsMapper: EntityMapper<'products'> = {
  entity: 'products',
  acumaticaEntity: ENTITY,
  keyFor: (record) => skuKey(record.sku),
  push: productToAcumatica,
  dependencies: () => [],
  pull: productFromAcumatica,
  comparable: comparableProduct,
  pullReferences: () => ({ customers: [], items: [] }),
  pullQuery: (version) => ({
    entity: ENTITY,
    modifiedField: stockItemModifiedField(version),
    expand: ['CrossReferences'],
  }),
  keyOf: (entity) => str(entity, 'InventoryID') ?? '',
  keyFieldsFromExternalId: singleKey('InventoryID'),
  fieldList,
};
