/**
 * Sales orders → Acumatica `SalesOrder` with order type `SO`; the customer's PO number goes to
 * `CustomerOrder` and the requested date to `RequestedOn`.
 */
import type { SalesOrder } from '../../core/records';
import { wrapped } from './common';
import { salesDocumentMapper, salesDocumentToAcumatica } from './sales-order-document';
import type { AcumaticaBody, PushContext } from './types';

export const SALES_ORDER_TYPE = 'SO';

/** Maps a sales order to a `SalesOrder` (SO) PUT body. */
export function salesOrderToAcumatica(record: SalesOrder, ctx: PushContext): AcumaticaBody {
  return salesDocumentToAcumatica(
    SALES_ORDER_TYPE,
    record,
    ctx,
    wrapped({ CustomerOrder: record.customerPO, RequestedOn: record.requestedDate }),
  );
}

export const salesOrdersMapper = salesDocumentMapper('sales-orders', salesOrderToAcumatica, {
  'SalesOrder.CustomerOrder': 'string',
  'SalesOrder.RequestedOn': 'datetime',
});
