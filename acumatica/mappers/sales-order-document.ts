/**
 * The `SalesOrder` body shared by estimates (order type `QT`) and sales orders (`SO`): push only,
 * auto-numbered `OrderType`/`OrderNbr`, found again through `ExternalRef`. `SalesOrder` names its
 * modified field `LastModified` in every version.
 *
 * Discounts, markups and sales tax map as on invoices (`pricing.ts`). `SalesOrder` has no due-date or
 * tax-zone field of its own: both live in its `FinancialSettings` (`DueDate`, `CustomerTaxZone` with
 * `OverrideTaxZone` so the order keeps our zone instead of the customer's).
 */
import { under, wrapped } from './common';
import {
  agreedPriceLine,
  documentDependencies,
  documentDetails,
  pushOnlyDocument,
  resolveDocument,
} from './documents';
import { lineDiscounts, markupRows, type Pricing, taxDetails } from './pricing';
import type { AcumaticaBody, EntityMapper, FieldList, PushContext } from './types';

const ENTITY = 'SalesOrder';
export const SALES_ORDER_MODIFIED_FIELD = 'LastModified';

/** What the two document kinds have in common. */
export interface SalesDocument extends Pricing {
  customerId: string;
  externalRef: string;
  description?: string | undefined;
  date: string;
  dueDate?: string | undefined;
}

/** Maps a sales document to a `SalesOrder` PUT body; `extra` adds the kind's own header fields. */
export function salesDocumentToAcumatica(
  orderType: string,
  record: SalesDocument,
  ctx: PushContext,
  extra: AcumaticaBody,
): AcumaticaBody {
  const { party: customer, items } = resolveDocument(
    { entity: 'customers', id: record.customerId },
    record.lines,
    ctx.keys,
  );
  const names = { description: 'LineDescription', quantity: 'OrderQty' };
  const discounts = lineDiscounts(record.lines, record.discounts ?? []);
  const rows = record.lines.map((line, i) => agreedPriceLine(items[i], line, names, discounts[i] ?? 0));
  rows.push(...markupRows(record, names));
  const financial = wrapped({
    DueDate: record.dueDate,
    CustomerTaxZone: record.salesTax?.taxZoneId,
    OverrideTaxZone: record.salesTax?.taxZoneId ? true : undefined,
  });
  return {
    ...wrapped({
      OrderType: orderType,
      CustomerID: customer,
      Date: record.date,
      Description: record.description,
      ExternalRef: record.externalRef,
    }),
    ...extra,
    ...(Object.keys(financial).length > 0 ? { FinancialSettings: financial } : {}),
    Details: documentDetails(ctx.current, rows),
    ...taxDetails(record.salesTax),
  };
}

/** The registry entry for one sales document kind. */
export function salesDocumentMapper<T extends 'estimates' | 'sales-orders'>(
  entity: T,
  push: NonNullable<EntityMapper<T>['push']>,
  extraFields: FieldList,
): EntityMapper<T> {
  const pushFields: FieldList = {
    'SalesOrder.OrderType': 'string',
    'SalesOrder.CustomerID': 'string',
    'SalesOrder.Date': 'datetime',
    'SalesOrder.Description': 'string',
    'SalesOrder.ExternalRef': 'string',
    ...extraFields,
    'SalesOrder.FinancialSettings': 'linked',
    ...under('SalesOrder.FinancialSettings', {
      DueDate: 'datetime',
      CustomerTaxZone: 'string',
      OverrideTaxZone: 'boolean',
    }),
    'SalesOrder.Details': 'details',
    ...under('SalesOrder.Details', {
      InventoryID: 'string',
      LineDescription: 'string',
      OrderQty: 'number',
      UnitPrice: 'number',
      ManualPrice: 'boolean',
      UOM: 'string',
      DiscountAmount: 'number',
      ManualDiscount: 'boolean',
    }),
    'SalesOrder.TaxDetails': 'details',
    ...under('SalesOrder.TaxDetails', { TaxID: 'string', TaxRate: 'number', TaxAmount: 'number' }),
  };
  return {
    entity,
    push,
    dependencies: (record) =>
      documentDependencies({ entity: 'customers', id: record.customerId }, record.lines),
    ...pushOnlyDocument(ENTITY, ['OrderType', 'OrderNbr'], SALES_ORDER_MODIFIED_FIELD, pushFields),
  };
}
