/**
 * The `SalesOrder` body shared by estimates (order type `QT`) and sales orders (`SO`): push only,
 * auto-numbered `OrderType`/`OrderNbr`, found again through `ExternalRef`. `SalesOrder` names its
 * modified field `LastModified` in every version.
 */
import type { EntityType, RestVersion } from '../../core/entities';
import type { Line } from '../../core/records';
import {
  assertResolved,
  details,
  lineDependencies,
  lineItems,
  pairKey,
  pairKeyOf,
  reconcileRows,
  under,
  wrapped,
} from './common';
import type { AcumaticaBody, Dependency, EntityMapper, FieldList, PushContext } from './types';

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
  const missing: Dependency[] = [];
  const customer = ctx.keys.customer(record.customerId);
  if (customer === undefined) missing.push({ entity: 'customers', id: record.customerId });
  const items = lineItems(record.lines, ctx.keys, missing);
  assertResolved(missing);
  const rows = record.lines.map((line, i) =>
    wrapped({
      InventoryID: items[i],
      LineDescription: line.description,
      OrderQty: line.quantity,
      UnitPrice: line.unitPrice,
      // Our price is the agreed one: keep Acumatica from repricing the line.
      ManualPrice: true,
      UOM: line.uom,
      DiscountPercent: line.discountPercent,
    }),
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
    Details: reconcileRows(details(ctx.current, 'Details'), rows),
  };
}

/** The registry entry for one sales document kind. */
export function salesDocumentMapper<T extends 'estimates' | 'sales-orders'>(
  entity: T,
  push: NonNullable<EntityMapper<T>['push']>,
  extraFields: FieldList,
): EntityMapper<T> {
  const fieldList = (_version: RestVersion, direction: 'push' | 'pull'): FieldList =>
    direction === 'pull'
      ? {
          'SalesOrder.OrderType': 'string',
          'SalesOrder.OrderNbr': 'string',
          [`SalesOrder.${SALES_ORDER_MODIFIED_FIELD}`]: 'datetime',
        }
      : {
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
    acumaticaEntity: ENTITY,
    push,
    dependencies: (record) => [
      { entity: 'customers' satisfies EntityType, id: record.customerId },
      ...lineDependencies(record.lines),
    ],
    // Read before an update (last-modified-wins, line ids), never pulled into our records.
    pullQuery: () => ({ entity: ENTITY, modifiedField: SALES_ORDER_MODIFIED_FIELD, expand: ['Details'] }),
    keyOf: pairKeyOf('OrderType', 'OrderNbr'),
    keyFieldsFromExternalId: pairKey('OrderType', 'OrderNbr'),
    fieldList,
  };
}
