/**
 * Purchase orders → Acumatica `PurchaseOrder` of type `Normal` (push only; auto-numbered
 * `Type`/`OrderNbr`, found again through `VendorRef`). A line's unit price is its unit cost.
 */
import type { RestVersion } from '../../core/entities';
import type { PurchaseOrder } from '../../core/records';
import {
  assertResolved,
  details,
  lineDependencies,
  lineItems,
  pairKey,
  pairKeyOf,
  reconcileRows,
  roundTo,
  under,
  wrapped,
} from './common';
import type { AcumaticaBody, Dependency, EntityMapper, FieldList, PushContext } from './types';

const ENTITY = 'PurchaseOrder';
export const PURCHASE_ORDER_TYPE = 'Normal';

/** Maps a purchase order to a `PurchaseOrder` PUT body. */
export function purchaseOrderToAcumatica(record: PurchaseOrder, ctx: PushContext): AcumaticaBody {
  const missing: Dependency[] = [];
  const vendor = ctx.keys.vendor(record.vendorId);
  if (vendor === undefined) missing.push({ entity: 'vendors', id: record.vendorId });
  const items = lineItems(record.lines, ctx.keys, missing);
  assertResolved(missing);
  const rows = record.lines.map((line, i) =>
    wrapped({
      InventoryID: items[i],
      LineDescription: line.description,
      OrderQty: line.quantity,
      // PO lines have no discount field: a line discount lowers the unit cost it is bought at.
      UnitCost: line.discountPercent
        ? roundTo(line.unitPrice * (1 - line.discountPercent / 100), 4)
        : line.unitPrice,
      UOM: line.uom,
    }),
  );
  return {
    ...wrapped({
      Type: PURCHASE_ORDER_TYPE,
      VendorID: vendor,
      Date: record.date,
      PromisedOn: record.promisedDate,
      Description: record.description,
      VendorRef: record.externalRef,
    }),
    Details: reconcileRows(details(ctx.current, 'Details'), rows),
  };
}

function fieldList(_version: RestVersion, direction: 'push' | 'pull'): FieldList {
  if (direction === 'pull') {
    return {
      'PurchaseOrder.Type': 'string',
      'PurchaseOrder.OrderNbr': 'string',
      'PurchaseOrder.LastModifiedDateTime': 'datetime',
    };
  }
  return {
    'PurchaseOrder.Type': 'string',
    'PurchaseOrder.VendorID': 'string',
    'PurchaseOrder.Date': 'datetime',
    'PurchaseOrder.PromisedOn': 'datetime',
    'PurchaseOrder.Description': 'string',
    'PurchaseOrder.VendorRef': 'string',
    'PurchaseOrder.Details': 'details',
    ...under('PurchaseOrder.Details', {
      InventoryID: 'string',
      LineDescription: 'string',
      OrderQty: 'number',
      UnitCost: 'number',
      UOM: 'string',
    }),
  };
}

export const purchaseOrdersMapper: EntityMapper<'purchase-orders'> = {
  entity: 'purchase-orders',
  acumaticaEntity: ENTITY,
  push: purchaseOrderToAcumatica,
  dependencies: (record) => [{ entity: 'vendors', id: record.vendorId }, ...lineDependencies(record.lines)],
  // Read before an update (last-modified-wins, line ids), never pulled into our records.
  pullQuery: () => ({ entity: ENTITY, modifiedField: 'LastModifiedDateTime', expand: ['Details'] }),
  keyOf: pairKeyOf('Type', 'OrderNbr'),
  keyFieldsFromExternalId: pairKey('Type', 'OrderNbr'),
  fieldList,
};
