/**
 * Estimates → Acumatica `SalesOrder` with order type `QT` (quotes; no SalesQuote entity exists in
 * the Default endpoint). The expiration date has no SalesOrder field and is not sent; the due date goes to
 * `FinancialSettings.DueDate` like a sales order's.
 */
import type { Estimate } from '../../core/records';
import { salesDocumentMapper, salesDocumentToAcumatica } from './sales-order-document';
import type { AcumaticaBody, PushContext } from './types';

export const ESTIMATE_ORDER_TYPE = 'QT';

/** Maps an estimate to a `SalesOrder` (QT) PUT body. */
export function estimateToAcumatica(record: Estimate, ctx: PushContext): AcumaticaBody {
  return salesDocumentToAcumatica(ESTIMATE_ORDER_TYPE, record, ctx, {});
}

export const estimatesMapper = salesDocumentMapper('estimates', estimateToAcumatica, {});
