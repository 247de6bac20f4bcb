/**
 * How a sales document's discounts, markups and sales tax reach Acumatica; the same for invoices
 * (`Invoice`), sales orders and estimates (`SalesOrder`), so a document totals the same on both sides
 * (decision record 0012, docs/documents.md):
 * - every discount becomes line `DiscountAmount`: a line's own percentage, plus document discounts
 *   spread over the lines (a percentage on each line, an amount in proportion to the lines' amounts,
 *   cents rounded onto the largest line). Acumatica's own document discounts (`DiscountDetails`) need a
 *   discount code configured in the tenant, which we cannot assume;
 * - a markup is an extra line without an item (description, quantity 1, the amount or the percentage
 *   of the discounted lines);
 * - a tax ID becomes one `TaxDetails` row; Acumatica computes the taxable amount, and the tax amount
 *   from the tax's rate unless we send the amount.
 */
import type { Adjustment, Line, SalesTax } from '../../core/records';
import { roundTo, wrapped } from './common';
import type { AcumaticaBody } from './types';

const money = (value: number) => roundTo(value, 2);

/** What the pricing of a document is made of. Records stored before estimates and orders had them carry none. */
export interface Pricing {
  lines: readonly Line[];
  discounts?: readonly Adjustment[] | undefined;
  markups?: readonly Adjustment[] | undefined;
  salesTax?: SalesTax | undefined;
}

/**
 * Discount amount per line: the line's percentage, then document discounts on the discounted lines.
 * Never more than a line's amount (Acumatica rejects negative lines).
 */
export function lineDiscounts(lines: readonly Line[], discounts: readonly Adjustment[]): number[] {
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

/** The markups as item-less lines; `names` are the line type's description and quantity fields. */
export function markupRows(doc: Pricing, names: { description: string; quantity: string }): AcumaticaBody[] {
  const linesNet = doc.lines.reduce(
    (sum, l) => sum + money(l.quantity * l.unitPrice * (1 - (l.discountPercent ?? 0) / 100)),
    0,
  );
  return (doc.markups ?? []).map((markup) =>
    wrapped({
      [names.description]: markup.description,
      [names.quantity]: 1,
      UnitPrice: markup.kind === 'amount' ? money(markup.value) : money((linesNet * markup.value) / 100),
    }),
  );
}

/** The document's `TaxDetails` (one row for its tax ID), or nothing when it names no tax. */
export function taxDetails(tax: SalesTax | undefined): { TaxDetails?: AcumaticaBody[] } {
  return tax?.taxId
    ? { TaxDetails: [wrapped({ TaxID: tax.taxId, TaxRate: tax.ratePercent, TaxAmount: tax.amount })] }
    : {};
}
