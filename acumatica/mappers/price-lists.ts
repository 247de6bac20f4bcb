/**
 * Price lists ← Acumatica `SalesPricesInquiry` (pull only). The inquiry is run with a PUT of its
 * filter (`PriceType` = `All Prices`) and answers every effective price as `SalesPriceDetails` rows;
 * rows are grouped by `PriceCode` (a customer or customer price class), base prices under `BASE`.
 * The inquiry has no modified filter, so every run re-reads it and the hash comparison skips lists
 * that did not change.
 */
import type { RestVersion } from '../../core/entities';
import type { Price } from '../../core/records';
import type { AcumaticaRecord } from '../values';
import { compact, dateOnly, details, instant, noReferences, num, singleKey, str, under } from './common';
import type { EntityMapper, FieldList, PullResult, PulledFields } from './types';

const ENTITY = 'SalesPricesInquiry';
const DETAIL = 'SalesPriceDetails';
/** Our price code for Acumatica's base prices, which have no price code. */
export const BASE_PRICE_CODE = 'BASE';

function priceFromRow(row: AcumaticaRecord): Price | undefined {
  const itemSku = str(row, 'InventoryID');
  const uom = str(row, 'UOM');
  const price = num(row, 'Price');
  // A row without item, unit or price cannot be used for pricing a line.
  if (!itemSku || !uom || price === undefined) return undefined;
  return compact({
    itemSku,
    uom,
    breakQty: num(row, 'BreakQty') ?? 0,
    price,
    currency: str(row, 'CurrencyID'),
    effectiveDate: dateOnly(row, 'EffectiveDate'),
    expirationDate: dateOnly(row, 'ExpirationDate'),
  });
}

/** Maps one inquiry result to one price list per price code. */
export function priceListsFromAcumatica(result: AcumaticaRecord): PullResult<'price-lists'>[] {
  const groups = new Map<string, { type: string | undefined; rows: AcumaticaRecord[] }>();
  for (const row of details(result, DETAIL)) {
    const code = str(row, 'PriceCode') ?? BASE_PRICE_CODE;
    const group = groups.get(code) ?? { type: str(row, 'PriceType'), rows: [] };
    group.rows.push(row);
    groups.set(code, group);
  }
  return [...groups].map(([code, group]) => {
    const modified = group.rows
      .map((r) => instant(r, 'LastModifiedDateTime'))
      .filter((at): at is string => at !== null)
      .sort()
      .at(-1);
    return {
      kind: 'record',
      acumaticaId: null,
      key: code,
      modifiedAt: modified ?? null,
      fields: compact({
        description: group.type ? `${group.type} prices` : undefined,
        prices: group.rows.map(priceFromRow).filter((p): p is Price => p !== undefined),
      }),
      createDefaults: { priceCode: code },
      unresolved: [],
    };
  });
}

/** A price list reduced to what a pull sees; prices in a stable order. */
export function comparablePriceList(fields: PulledFields<'price-lists'>): Record<string, unknown> {
  const prices = ((fields.prices ?? []) as Price[]).map((p) => ({ ...p, breakQty: p.breakQty ?? 0 }));
  const sortKey = (p: Price) =>
    `${p.itemSku}|${p.uom}|${p.breakQty}|${p.currency ?? ''}|${p.effectiveDate ?? ''}`;
  prices.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  return { description: fields.description, prices };
}

function fieldList(_version: RestVersion, direction: 'push' | 'pull'): FieldList {
  if (direction === 'push') return {};
  return {
    'SalesPricesInquiry.PriceType': 'string',
    'SalesPricesInquiry.SalesPriceDetails': 'details',
    ...under('SalesPricesInquiry.SalesPriceDetails', {
      PriceCode: 'string',
      PriceType: 'string',
      InventoryID: 'string',
      UOM: 'string',
      BreakQty: 'number',
      Price: 'number',
      CurrencyID: 'string',
      EffectiveDate: 'datetime',
      ExpirationDate: 'datetime',
      LastModifiedDateTime: 'datetime',
    }),
  };
}

export const priceListsMapper: EntityMapper<'price-lists'> = {
  entity: 'price-lists',
  acumaticaEntity: ENTITY,
  pullMany: priceListsFromAcumatica,
  comparable: comparablePriceList,
  pullReferences: noReferences,
  pullQuery: () => ({
    entity: ENTITY,
    modifiedField: null,
    expand: [DETAIL],
    inquiry: { PriceType: { value: 'All Prices' } },
  }),
  keyOf: (entity) => str(entity, 'PriceCode') ?? BASE_PRICE_CODE,
  keyFieldsFromExternalId: singleKey('PriceCode'),
  fieldList,
};
