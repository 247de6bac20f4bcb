/**
 * Small factories for field-service records in integration tests: valid create inputs with unique,
 * readable values, and shortcuts to create and mark records for export.
 */
import { randomUUID } from 'node:crypto';
import type { EntityType } from '../../core/entities';
import type { CreateInputs, RecordTypes } from '../../core/records';
import type { Store } from '../../store';

const unique = () => randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase();

export function customerInput(overrides: Partial<CreateInputs['customers']> = {}): CreateInputs['customers'] {
  const n = unique();
  return {
    name: `Customer ${n}`,
    number: `C${n}`,
    email: `billing-${n.toLowerCase()}@example.com`,
    billingAddress: {
      line1: '100 Main St',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62701',
      country: 'US',
      latitude: 39.7817,
      longitude: -89.6501,
    },
    ...overrides,
  };
}

export function vendorInput(overrides: Partial<CreateInputs['vendors']> = {}): CreateInputs['vendors'] {
  const n = unique();
  return { name: `Vendor ${n}`, number: `V${n}`, ...overrides };
}

export function productInput(overrides: Partial<CreateInputs['products']> = {}): CreateInputs['products'] {
  const n = unique();
  return { sku: `PRD-${n}`, description: `Product ${n}`, price: 25, unit: 'EA', ...overrides };
}

export function serviceInput(overrides: Partial<CreateInputs['services']> = {}): CreateInputs['services'] {
  const n = unique();
  return { sku: `SVC-${n}`, description: `Service ${n}`, price: 80, unit: 'HOUR', ...overrides };
}

export function salesOrderInput(
  customerId: string,
  productId: string,
  overrides: Partial<CreateInputs['sales-orders']> = {},
): CreateInputs['sales-orders'] {
  return {
    customerId,
    description: `Order ${unique()}`,
    date: '2025-03-04',
    lines: [{ productId, quantity: 2, unitPrice: 25 }],
    ...overrides,
  };
}

export function invoiceInput(
  customerId: string,
  productId: string,
  overrides: Partial<CreateInputs['invoices']> = {},
): CreateInputs['invoices'] {
  return {
    customerId,
    description: `Invoice ${unique()}`,
    invoiceDate: '2025-03-04',
    lines: [{ productId, quantity: 1, unitPrice: 25 }],
    ...overrides,
  };
}

export function workOrderInput(
  customerId: string,
  overrides: Partial<CreateInputs['work-orders']> = {},
): CreateInputs['work-orders'] {
  return { customerId, description: `Repair ${unique()}`, date: '2025-03-04', lines: [], ...overrides };
}

/** Creates a record and marks it "Export to Acumatica". */
export async function createMarked<T extends EntityType>(
  store: Store,
  accountId: string,
  type: T,
  input: CreateInputs[T],
): Promise<RecordTypes[T]> {
  const repo = store.records[type];
  const record = await repo.create(accountId, input);
  await repo.markForExport(accountId, { ids: [record._id] });
  return record;
}

/** Reads a record back, failing the test when it is gone. */
export async function reload<T extends EntityType>(
  store: Store,
  accountId: string,
  type: T,
  id: string,
): Promise<RecordTypes[T]> {
  const record = await store.records[type].get(accountId, id);
  if (!record) throw new Error(`${type} ${id} not found`);
  return record;
}
