/**
 * Field-service data for push scenarios: customers, products, services and invoices with lines, created
 * through the record repositories (validated like the API's) and marked "Export to Acumatica".
 */
import type { Store } from '../store';
import { customerInput, invoiceInput, productInput, serviceInput } from '../test/helpers/records';

export interface PushMix {
  customers: number;
  products: number;
  services: number;
  invoices: number;
}

/** The mix of a push of `total` records: 30% customers, 15% products, 5% services, 50% invoices. */
export function pushMix(total: number): PushMix {
  const customers = Math.max(1, Math.round(total * 0.3));
  const products = Math.max(1, Math.round(total * 0.15));
  const services = Math.max(1, Math.round(total * 0.05));
  return { customers, products, services, invoices: Math.max(0, total - customers - products - services) };
}

export const mixTotal = (mix: PushMix): number => mix.customers + mix.products + mix.services + mix.invoices;

/** Runs `fn` over 0..n-1 with `concurrency` at a time. */
async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(n);
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  return out;
}

/**
 * Creates the records of `mix` in `accountId` and marks them all for export. Each invoice has three lines:
 * two products and a service of the account, picked round-robin.
 */
export async function createPushData(store: Store, accountId: string, mix: PushMix): Promise<void> {
  const { records } = store;
  const parallel = 8;
  const customers = await pool(
    mix.customers,
    parallel,
    async () => (await records.customers.create(accountId, customerInput()))._id,
  );
  const products = await pool(
    mix.products,
    parallel,
    async () => (await records.products.create(accountId, productInput()))._id,
  );
  const services = await pool(
    mix.services,
    parallel,
    async () => (await records.services.create(accountId, serviceInput()))._id,
  );
  await pool(mix.invoices, parallel, async (i) => {
    const customerId = customers[i % customers.length]!;
    const lines = [
      { productId: products[i % products.length]!, quantity: 2, unitPrice: 25 },
      { productId: products[(i + 7) % products.length]!, quantity: 1, unitPrice: 40 },
      { serviceId: services[i % services.length]!, quantity: 1.5, unitPrice: 80 },
    ];
    await records.invoices.create(accountId, invoiceInput(customerId, products[0]!, { lines }));
  });
  for (const type of ['customers', 'products', 'services', 'invoices'] as const) {
    await records[type].markForExport(accountId, { filter: {} });
  }
}
