/**
 * Invoices → Acumatica `Invoice` (AR invoice, type `Invoice`; push only; auto-numbered
 * `Type`/`ReferenceNbr`, found again through `CustomerOrder`).
 *
 * `InvoiceDetail` has `DiscountAmount` but no discount percentage, and manual document discounts
 * need a discount code configured in Acumatica, so every discount becomes line `DiscountAmount`:
 * a line's own percentage, plus document discounts spread over the lines (a percentage on each line,
 * an amount in proportion to the lines' amounts, cents rounded onto the largest line). A markup is an
 * extra line without an item (description, quantity 1, the amount or the percentage of the lines).
 * Sales tax: a tax ID becomes a `TaxDetails` row; the tax zone has no Invoice field (Acumatica takes
 * the customer's).
 */
import type { Adjustment, Invoice } from '../../core/records';
import { roundTo, under, wrapped } from './common';
import {
  documentDependencies,
  documentDetails,
  type DocumentParty,
  pushOnlyDocument,
  resolveDocument,
} from './documents';
import type { AcumaticaBody, EntityMapper, FieldList, PushContext } from './types';

const ENTITY = 'Invoice';
export const INVOICE_TYPE = 'Invoice';

const money = (value: number) => roundTo(value, 2);
const party = (record: Invoice): DocumentParty => ({ entity: 'customers', id: record.customerId });

/**
 * Discount amount per line: the line's percentage, then document discounts on the discounted lines.
 * Never more than a line's amount (Acumatica rejects negative lines).
 */
export function lineDiscounts(lines: Invoice['lines'], discounts: readonly Adjustment[]): number[] {
  const gross = lines.map((l) => money(l.quantity * l.unitPrice));
  const own = lines.map((l, i) => money(((gross[i] ?? 0) * (l.discountPercent ?? 0)) / 100));
  const base = gross.map((g, i) => g - (own[i] ?? 0));
  const percent = discounts.filter((d) => d.kind === 'percent').reduce((sum, d) => sum + d.value, 0);
  const extra = base.map((b) => money((b * percent) / 100));
  const amount = money(discounts.filter((d) => d.kind === 'amount').reduce((sum, d) => sum + d.value, 0));
  const total = base.reduce((a, b) => a + b, 0);
  if (amount > 0 && total > 0) {
    const shares = base.map((b) => money((amount * b) / total));
    const largest = base.indexOf(Math.max(...base));
    shares[largest] = money((shares[largest] ?? 0) + amount - shares.reduce((a, b) => a + b, 0));
    shares.forEach((s, i) => (extra[i] = (extra[i] ?? 0) + s));
  }
  return gross.map((g, i) => Math.min(g, money((own[i] ?? 0) + (extra[i] ?? 0))));
}

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
  const linesNet = record.lines.reduce(
    (sum, l) => sum + money(l.quantity * l.unitPrice * (1 - (l.discountPercent ?? 0) / 100)),
    0,
  );
  for (const markup of record.markups) {
    rows.push(
      wrapped({
        TransactionDescription: markup.description,
        Qty: 1,
        UnitPrice: markup.kind === 'amount' ? money(markup.value) : money((linesNet * markup.value) / 100),
      }),
    );
  }
  const tax = record.salesTax;
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
    ...(tax?.taxId
      ? { TaxDetails: [wrapped({ TaxID: tax.taxId, TaxRate: tax.ratePercent, TaxAmount: tax.amount })] }
      : {}),
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
