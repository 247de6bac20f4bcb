/**
 * The `SalesOrder` body shared by estimates (order type `QT`) and sales orders (`SO`): push only,
 * auto-numbered `OrderType`/`OrderNbr`, found again through `ExternalRef`. `SalesOrder` names its
 * modified field `LastModified` in every version.
 */
import type { Line } from '../../core/records';
import { under, wrapped } from './common';
import {
  agreedPriceLine,
  documentDependencies,
  documentDetails,
  pushOnlyDocument,
  resolveDocument,
} from './documents';
import type { AcumaticaBody, EntityMapper, FieldList, PushContext } from './types';

const ENTITY = 'SalesOrder';
export const SALES_ORDER_MODIFIED_FIELD = 'LastModified';

/** What the two document kinds have in common. */
export interface SalesDocument {
  customerId: string;
  externalRef: string;
  description?: string | undefined;
  date: string;
  lines: Line[];
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
  const rows = record.lines.map((line, i) =>
    agreedPriceLine(items[i], line, { description: 'LineDescription', quantity: 'OrderQty' }),
  );
  return {
    ...wrapped({
      OrderType: orderType,
      CustomerID: customer,
      Date: record.date,
      Description: record.description,
      ExternalRef: record.externalRef,
    }),
    ...extra,
    Details: documentDetails(ctx.current, rows),
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
    'SalesOrder.Details': 'details',
    ...under('SalesOrder.Details', {
      InventoryID: 'string',
      LineDescription: 'string',
      OrderQty: 'number',
      UnitPrice: 'number',
      ManualPrice: 'boolean',
      UOM: 'string',
      DiscountPercent: 'number',
    }),
  };
  return {
    entity,
    push,
    dependencies: (record) =>
      documentDependencies({ entity: 'customers', id: record.customerId }, record.lines),
    ...pushOnlyDocument(ENTITY, ['OrderType', 'OrderNbr'], SALES_ORDER_MODIFIED_FIELD, pushFields),
  };
}
