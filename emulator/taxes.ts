/**
 * Sales tax as Acumatica computes it for simple exclusive taxes: each `TaxDetails` row of a document takes its
 * rate from the tax's schedule (`Tax.TaxSchedule`, the rate a client sends is not kept), its taxable amount
 * from the document's lines after discounts, and its tax amount as taxable × rate unless the client set the
 * amount itself (a manual override stays until the client changes it). The document's `TaxTotal` is the sum.
 */
import type { BehaviourContext } from './entities';
import type { RecordNode } from './store';
import type { Plain } from './values';

/** Not in the schema (never serialized): the amount the emulator last computed for a row. */
const COMPUTED = 'TaxAmountComputed';

const round2 = (n: number): number => Math.round(n * 100) / 100;
const num = (v: Plain | undefined): number => (typeof v === 'number' ? v : 0);

/** The current rate of a tax: its schedule's latest row by start date (0 for a tax without a schedule). */
export function taxRate(ctx: BehaviourContext, taxId: Plain | undefined): number {
  const tax = ctx.store.find(
    'Tax',
    (r) => String(r.values.TaxID).toUpperCase() === String(taxId).toUpperCase(),
  );
  const schedule = [...(tax?.details.TaxSchedule ?? [])].sort((a, b) =>
    String(a.values.StartDate ?? '').localeCompare(String(b.values.StartDate ?? '')),
  );
  return num(schedule.at(-1)?.values.TaxRate);
}

/** Fills the document's `TaxDetails` rows for `taxable` (its lines' amount) and returns the tax total. */
export function applyTaxes(rec: RecordNode, ctx: BehaviourContext, taxable: number): number {
  let total = 0;
  for (const row of rec.details.TaxDetails ?? []) {
    const v = row.values;
    const manual = typeof v.TaxAmount === 'number' && v.TaxAmount !== v[COMPUTED];
    v.TaxRate = taxRate(ctx, v.TaxID);
    v.TaxableAmount = taxable;
    if (manual) v[COMPUTED] = null;
    else v.TaxAmount = v[COMPUTED] = round2((taxable * v.TaxRate) / 100);
    total += num(v.TaxAmount);
  }
  return round2(total);
}
