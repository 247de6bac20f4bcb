/**
 * Purchase orders → Acumatica `PurchaseOrder` of type `Normal` (push only; auto-numbered
 * `Type`/`OrderNbr`, found again through `VendorRef`). A line's unit price is its unit cost.
 */
import type { PurchaseOrder } from '../../core/records';
import { roundTo, under, wrapped } from './common';
import {
  documentDependencies,
  documentDetails,
  type DocumentParty,
  pushOnlyDocument,
  resolveDocument,
} from './documents';
import type { AcumaticaBody, EntityMapper, FieldList, PushContext } from './types';

const ENTITY = 'PurchaseOrder';
export const PURCHASE_ORDER_TYPE = 'Normal';

const party = (record: PurchaseOrder): DocumentParty => ({ entity: 'vendors', id: record.vendorId });

/** Maps a purchase order to a `PurchaseOrder` PUT body. */
export function purchaseOrderToAcumatica(record: PurchaseOrder, ctx: PushContext): AcumaticaBody {
  const { party: vendor, items } = resolveDocument(party(record), record.lines, ctx.keys);
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
    Details: documentDetails(ctx.current, rows),
  };
}

const PUSH_FIELDS: FieldList = {
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

export const purchaseOrdersMapper: EntityMapper<'purchase-orders'> = {
  entity: 'purchase-orders',
  push: purchaseOrderToAcumatica,
  dependencies: (record) => documentDependencies(party(record), record.lines),
  ...pushOnlyDocument(ENTITY, ['Type', 'OrderNbr'], 'LastModifiedDateTime', PUSH_FIELDS),
};
