/**
 * What products (`StockItem`) and services (`NonStockItem`) have in common as Acumatica inventory
 * items: `InventoryID` = SKU upper-cased, description, status, default price, unit and item class.
 * The two entities name their unit fields differently (`BaseUOM`/`SalesUOM`, `BaseUnit`/`SalesUnit`).
 */
import type { Service } from '../../core/records';
import type { AcumaticaRecord } from '../values';
import { noReferences, num, singleKeyed, skuKey, statusLabel, str } from './common';
import type { Dependency, FieldList } from './types';

/** Item status labels that mean the item is no longer sold. */
export const INACTIVE_ITEM_STATUSES: readonly string[] = ['Inactive', 'Marked for Deletion'];

/** The names an item entity gives its unit fields. */
export interface ItemUnits {
  base: string;
  sales: string;
}

type ItemField = 'description' | 'status' | 'price' | 'unit' | 'itemClass';

/** The fields of ours that products and services share (as a pull gives them: any may be missing). */
export type ItemFields = Partial<Pick<Service, ItemField>>;

/** An item's header fields, unwrapped (spread them into `wrapped`); the unit is both base and sales unit. */
export function itemToAcumatica(record: Pick<Service, ItemField | 'sku' | 'sync'>, units: ItemUnits) {
  return {
    InventoryID: record.sync.externalId ?? skuKey(record.sku),
    Description: record.description,
    ItemStatus: statusLabel(record.status),
    DefaultPrice: record.price,
    [units.base]: record.unit,
    [units.sales]: record.unit,
    ItemClass: record.itemClass,
  };
}

/** The shared fields of a pulled item; a missing description falls back to the key. */
export function itemFromAcumatica(entity: AcumaticaRecord, key: string, units: ItemUnits): ItemFields {
  const status = str(entity, 'ItemStatus');
  return {
    description: str(entity, 'Description') ?? key,
    status: status && INACTIVE_ITEM_STATUSES.includes(status) ? 'INACTIVE' : 'ACTIVE',
    price: num(entity, 'DefaultPrice') ?? 0,
    unit: str(entity, units.base),
    itemClass: str(entity, 'ItemClass'),
  };
}

/** The shared item fields reduced to what a push then a pull preserves. */
export function comparableItem(fields: ItemFields): Record<string, unknown> {
  return {
    description: fields.description,
    status: fields.status ?? 'ACTIVE',
    price: fields.price,
    unit: fields.unit,
    itemClass: fields.itemClass,
  };
}

/** The shared item fields a mapper sends (push, with the sales unit) or reads (pull, with the modified field). */
export function itemFieldList(
  entity: string,
  units: ItemUnits,
  modifiedField: string,
  direction: 'push' | 'pull',
): FieldList {
  return {
    [`${entity}.InventoryID`]: 'string',
    [`${entity}.Description`]: 'string',
    [`${entity}.ItemStatus`]: 'string',
    [`${entity}.DefaultPrice`]: 'number',
    [`${entity}.${units.base}`]: 'string',
    [`${entity}.ItemClass`]: 'string',
    ...(direction === 'push'
      ? { [`${entity}.${units.sales}`]: 'string' }
      : { [`${entity}.${modifiedField}`]: 'datetime' }),
  };
}

/** The registry parts every item type shares: SKU key, no dependencies, no references. */
export const ITEM_MAPPER_PARTS = {
  keyFor: (record: { sku: string }): string => skuKey(record.sku),
  dependencies: (): Dependency[] => [],
  pullReferences: noReferences,
  ...singleKeyed('InventoryID'),
};
