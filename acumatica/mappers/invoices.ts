/**
 * Invoices → Acumatica `Invoice` (AR invoice, type `Invoice`; push only; auto-numbered
 * `Type`/`ReferenceNbr`, found again through `CustomerOrder`).
 *
 * Discounts, markups and sales tax map as on every sales document (`pricing.ts`): discounts become
 * line `DiscountAmount` (`InvoiceDetail` has no discount percentage), markups item-less lines, a tax
 * ID one `TaxDetails` row. The tax zone has no Invoice field (Acumatica takes the customer's).
 */
import type { Invoice } from '../../core/records';
import { under, wrapped } from './common';
import {
  documentDependencies,
  documentDetails,
  type DocumentParty,
  pushOnlyDocument,
  resolveDocument,
} from './documents';
import { lineDiscounts, markupRows, taxDetails } from './pricing';
import type { AcumaticaBody, EntityMapper, FieldList, PushContext } from './types';

const ENTITY = 'Invoice';
export const INVOICE_TYPE = 'Invoice';

const party = (record: Invoice): DocumentParty => ({ entity: 'customers', id: record.customerId });

/** Maps an invoice to an `Invoice` PUT body. */
export function invoiceToAcumatica(record: Invoice, ctx: PushContext): AcumaticaBody {
  const { party: customer, items } = resolveDocument(party(record), record.lines, ctx.keys);

  const discounts = lineDiscounts(record.lines, record.discounts);
  const rows: AcumaticaBody[] = record.lines.map((line, i) =>
    wrapped({
      InventoryID: items[i],
      TransactionDescription: line.description,
      Qty: line.quantity,
      UnitPrice: line.unitPrice,
      UOM: line.uom,
      DiscountAmount: discounts[i] || undefined,
    }),
  );
  rows.push(...markupRows(record, { description: 'TransactionDescription', quantity: 'Qty' }));
  return {
    ...wrapped({
      Type: INVOICE_TYPE,
      Customer: customer,
      Date: ctx.settings.useIntegrationDateForInvoices ? ctx.integrationDate : record.invoiceDate,
      DueDate: record.dueDate,
      Description: record.description,
      CustomerOrder: record.externalRef,
      Terms: record.terms,
    }),
    Details: documentDetails(ctx.current, rows),
    ...taxDetails(record.salesTax),
  };
}

const PUSH_FIELDS: FieldList = {
  'Invoice.Type': 'string',
  'Invoice.Customer': 'string',
  'Invoice.Date': 'datetime',
  'Invoice.DueDate': 'datetime',
  'Invoice.Description': 'string',
  'Invoice.CustomerOrder': 'string',
  'Invoice.Terms': 'string',
  'Invoice.Details': 'details',
  ...under('Invoice.Details', {
    InventoryID: 'string',
    TransactionDescription: 'string',
    Qty: 'number',
    UnitPrice: 'number',
    UOM: 'string',
    DiscountAmount: 'number',
  }),
  'Invoice.TaxDetails': 'details',
  ...under('Invoice.TaxDetails', { TaxID: 'string', TaxRate: 'number', TaxAmount: 'number' }),
};

export const invoicesMapper: EntityMapper<'invoices'> = {
  entity: 'invoices',
  push: invoiceToAcumatica,
  dependencies: (record) => documentDependencies(party(record), record.lines),
  ...pushOnlyDocument(ENTITY, ['Type', 'ReferenceNbr'], 'LastModifiedDateTime', PUSH_FIELDS),
};
