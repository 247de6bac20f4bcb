/**
 * Products ↔ Acumatica `StockItem` (both directions; client-chosen `InventoryID` = SKU upper-cased).
 * Manufacturer part number and barcode travel as `CrossReferences` rows: a `Global` row
 * (AlternateID = part number, Description = manufacturer name) and a `Barcode` row.
 */
import type { RestVersion } from '../../core/entities';
import type { Product } from '../../core/records';
import type { AcumaticaRecord } from '../values';
import { atLeast, details, pulledRecord, str, under, wrapped } from './common';
import {
  comparableItem,
  ITEM_MAPPER_PARTS,
  itemFieldList,
  itemFromAcumatica,
  itemToAcumatica,
} from './items';
import type { AcumaticaBody, EntityMapper, FieldList, PullResult, PulledFields, PushContext } from './types';

const ENTITY = 'StockItem';
export const PART_NUMBER_TYPE = 'Global';
export const BARCODE_TYPE = 'Barcode';
const UNITS = { base: 'BaseUOM', sales: 'SalesUOM' };

/** StockItem's modified field: `LastModified` before 24.200.001, `LastModifiedDateTime` from 24. */
export function stockItemModifiedField(version: RestVersion): string {
  return atLeast(version, '24.200.001') ? 'LastModifiedDateTime' : 'LastModified';
}

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
    ...wrapped(itemToAcumatica(record, UNITS)),
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
  return pulledRecord<'products'>(entity, {
    key,
    modifiedField: stockItemModifiedField(ctx.restVersion),
    fields: {
      ...itemFromAcumatica(entity, key, UNITS),
      manufacturerPartNumber: str(part, 'AlternateID'),
      manufacturerName: str(part, 'Description'),
      barcode: str(lastOfType(rows, BARCODE_TYPE), 'AlternateID'),
    },
    createDefaults: { sku: key },
  });
}

/** A product reduced to what a push then a pull preserves (the name needs a part number to travel). */
export function comparableProduct(fields: PulledFields<'products'> | Product): Record<string, unknown> {
  return {
    ...comparableItem(fields),
    manufacturerPartNumber: fields.manufacturerPartNumber,
    manufacturerName: fields.manufacturerPartNumber ? fields.manufacturerName : undefined,
    barcode: fields.barcode,
  };
}

function fieldList(version: RestVersion, direction: 'push' | 'pull'): FieldList {
  return {
    ...itemFieldList(ENTITY, UNITS, stockItemModifiedField(version), direction),
    'StockItem.CrossReferences': 'details',
    ...under('StockItem.CrossReferences', {
      AlternateType: 'string',
      AlternateID: 'string',
      Description: 'string',
    }),
  };
}

export const productsMapper: EntityMapper<'products'> = {
  entity: 'products',
  acumaticaEntity: ENTITY,
  ...ITEM_MAPPER_PARTS,
  push: productToAcumatica,
  pull: productFromAcumatica,
  comparable: comparableProduct,
  pullQuery: (version) => ({
    entity: ENTITY,
    modifiedField: stockItemModifiedField(version),
    expand: ['CrossReferences'],
  }),
  fieldList,
};
