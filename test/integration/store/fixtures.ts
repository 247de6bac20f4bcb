/**
 * One valid create input per entity type, referencing the given customer/vendor/product/service ids.
 */
import type { EntityType } from '../../../core/entities';
import type { CreateInputs } from '../../../core/records';
import type { Store } from '../../../store/index';

export interface FixtureRefs {
  customerId: string;
  vendorId: string;
  productId: string;
  serviceId: string;
}

/** Creates the customer, vendor, product and service the other fixtures reference, in `accountId`. */
export async function seedRefs(store: Store, accountId: string): Promise<FixtureRefs> {
  const none = { customerId: '', vendorId: '', productId: '', serviceId: '' };
  const customer = await store.records.customers.create(accountId, validInput('customers', none));
  const vendor = await store.records.vendors.create(accountId, validInput('vendors', none));
  const product = await store.records.products.create(accountId, validInput('products', none));
  const service = await store.records.services.create(accountId, validInput('services', none));
  return { customerId: customer._id, vendorId: vendor._id, productId: product._id, serviceId: service._id };
}

/** A valid create input of `type`; `n` varies the names so fixtures differ. */
export function validInput<T extends EntityType>(type: T, refs: FixtureRefs, n = 1): CreateInputs[T] {
  const lines = [
    { productId: refs.productId, quantity: 2, unitPrice: 19.5, description: 'Filter' },
    { serviceId: refs.serviceId, quantity: 1.5, unitPrice: 90 },
  ];
  const inputs: { [K in EntityType]: CreateInputs[K] } = {
    customers: {
      name: `Acme Plumbing ${n}`,
      number: `C-${n}`,
      type: 'BUSINESS',
      email: `billing${n}@acme.example`,
      contacts: [
        { name: 'Jane Doe', email: 'jane@acme.example', phones: [{ kind: 'mobile', number: '+1 555 0100' }] },
      ],
      billingAddress: {
        line1: '1 Main St',
        city: 'Springfield',
        state: 'IL',
        postalCode: '62701',
        country: 'us',
      },
      locations: [
        {
          name: 'Warehouse',
          address: {
            line1: '9 Dock Rd',
            city: 'Springfield',
            country: 'US',
            latitude: 39.78,
            longitude: -89.65,
          },
        },
      ],
    },
    vendors: {
      name: `Parts Supply ${n}`,
      number: `V-${n}`,
      terms: '30D',
      address: { line1: '2 Elm', country: 'US' },
    },
    products: {
      sku: `FILTER-${n}`,
      description: `Water filter ${n}`,
      manufacturerName: 'Aqua',
      manufacturerPartNumber: 'AQ-1',
      barcode: '0123456789012',
      price: 19.5,
    },
    services: { sku: `LABOR-${n}`, description: `Labor hour ${n}`, price: 90, unit: 'HOUR' },
    'price-lists': {
      priceCode: `RETAIL${n}`,
      prices: [{ itemSku: 'FILTER-1', uom: 'EA', breakQty: 10, price: 17, effectiveDate: '2024-01-01' }],
    },
    projects: { projectCode: `PRJ${n}`, name: `Project ${n}`, customerId: refs.customerId, status: 'Active' },
    'work-orders': {
      number: `WO-${n}`,
      customerId: refs.customerId,
      description: `Replace filter ${n}`,
      date: '2024-05-01',
      lines,
    },
    estimates: { number: `EST-${n}`, customerId: refs.customerId, date: '2024-05-01', lines },
    'sales-orders': { number: `SO-${n}`, customerId: refs.customerId, date: '2024-05-01', lines },
    'purchase-orders': { number: `PO-${n}`, vendorId: refs.vendorId, date: '2024-05-01', lines },
    invoices: {
      number: `INV-${n}`,
      customerId: refs.customerId,
      invoiceDate: '2024-05-01',
      dueDate: '2024-05-31',
      lines,
      discounts: [{ description: 'Loyalty', kind: 'percent', value: 5 }],
      markups: [{ description: 'After hours', kind: 'amount', value: 25 }],
      salesTax: { taxZoneId: 'IL', ratePercent: 6.25 },
      terms: '30D',
    },
  };
  return inputs[type] as CreateInputs[T];
}

/** An update that changes one visible field of each type. */
export function samplePatch(type: EntityType): Record<string, unknown> {
  const patches: Record<EntityType, Record<string, unknown>> = {
    customers: { name: 'Renamed customer' },
    vendors: { name: 'Renamed vendor' },
    products: { price: 21 },
    services: { price: 95 },
    'price-lists': { description: 'Retail prices' },
    projects: { description: 'Phase 2' },
    'work-orders': { status: 'SCHEDULED' },
    estimates: { status: 'SENT' },
    'sales-orders': { description: 'Rush' },
    'purchase-orders': { description: 'Restock' },
    invoices: { dueDate: '2024-06-15' },
  };
  return patches[type];
}
