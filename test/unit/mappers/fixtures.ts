/**
 * Fixtures for the mapper tests: stored records built through our create schemas, contexts with
 * resolvers, and Acumatica entities in the shape the REST API returns them (composed data).
 */
import type { EntityType, RestVersion } from '../../../core/entities';
import { RECORD_SPECS, type CreateInputs, type RecordTypes } from '../../../core/records';
import type { RunSettings } from '../../../core/runs';
import type { PullContext, PushContext } from '../../../acumatica/mappers';
import { skuKey } from '../../../acumatica/mappers';

export const SETTINGS: RunSettings = {
  includeSubCustomers: false,
  skipFirstAddressLine: false,
  useShipToAddress: false,
  newCustomerType: 'BUSINESS',
  useIntegrationDateForInvoices: false,
  restVersion: '24.200.001',
};

/** A stored record: the create input parsed by our schema plus the base fields the store adds. */
export function stored<T extends EntityType>(
  type: T,
  input: CreateInputs[T],
  extra: { id?: string; externalId?: string } = {},
): RecordTypes[T] {
  const fields = RECORD_SPECS[type].createInput.parse(input) as Record<string, unknown>;
  const id = extra.id ?? `${RECORD_SPECS[type].idPrefix}_k3j9x2m4q8w1`;
  return {
    ...fields,
    _id: id,
    accountId: 'acct_1',
    externalRef:
      (fields.externalRef as string | undefined) ?? `FS-${RECORD_SPECS[type].refCode}-k3j9x2m4q8w1`,
    createdAt: new Date('2025-03-01T10:00:00Z'),
    updatedAt: new Date('2025-03-02T10:00:00Z'),
    sync: { state: 'pending', ...(extra.externalId ? { externalId: extra.externalId } : {}) },
    notes: [],
  } as unknown as RecordTypes[T];
}

/** Our ids ↔ Acumatica keys, as the store would resolve them. */
export const CUSTOMER_KEYS: Record<string, string> = {
  cus_parent000001: 'C000100',
  cus_k3j9x2m4q8w1: 'C000123',
};
export const PRODUCT_KEYS: Record<string, string> = { prd_boiler000001: 'BOILER-PUMP' };
export const SERVICE_KEYS: Record<string, string> = { svc_labour000001: 'LABOR-HR' };
export const VENDOR_KEYS: Record<string, string> = { ven_supply000001: 'V000042' };

export function pushContext(
  overrides: Partial<PushContext> = {},
  version: RestVersion = '24.200.001',
): PushContext {
  return {
    settings: { ...SETTINGS, restVersion: version },
    restVersion: version,
    integrationDate: '2025-03-10',
    keys: {
      customer: (id) => CUSTOMER_KEYS[id],
      vendor: (id) => VENDOR_KEYS[id],
      item: (line) =>
        line.productId
          ? PRODUCT_KEYS[line.productId]
          : line.serviceId
            ? SERVICE_KEYS[line.serviceId]
            : line.sku
              ? skuKey(line.sku)
              : undefined,
    },
    ...overrides,
  };
}

const invert = (map: Record<string, string>) => new Map(Object.entries(map).map(([id, key]) => [key, id]));

export function pullContext(
  settings: Partial<RunSettings> = {},
  version: RestVersion = '24.200.001',
): PullContext {
  const customers = invert(CUSTOMER_KEYS);
  const products = invert(PRODUCT_KEYS);
  const services = invert(SERVICE_KEYS);
  return {
    settings: { ...SETTINGS, ...settings, restVersion: version },
    restVersion: version,
    ids: {
      customer: (key) => customers.get(key),
      item: (key) => {
        const productId = products.get(key);
        if (productId) return { productId };
        const serviceId = services.get(key);
        return serviceId ? { serviceId } : undefined;
      },
    },
  };
}

export const v = <T>(value: T) => ({ value });
const links = (entity: string, id: string) => ({
  self: `/entity/Default/24.200.001/${entity}/${id}`,
  'files:put': `/entity/Default/24.200.001/files/PX.Objects/${entity}/${id}/{filename}`,
});

/** An Acumatica Customer as `GET …/Customer?$expand=MainContact,…/Address,…` returns it. */
export function acumaticaCustomer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const id = 'b1a7c2f0-7d2e-ef11-8c81-0a1b2c3d4e5f';
  return {
    id,
    rowNumber: 1,
    note: v(''),
    AccountRef: {},
    CurrencyID: v('USD'),
    CustomerClass: v('DEFAULT'),
    CustomerID: v('C000200   '),
    CustomerName: v('Elm Street Dental'),
    LastModifiedDateTime: v('2025-03-04T14:22:08.17-05:00'),
    LocationName: v('Primary Location'),
    ParentRecord: {},
    Status: v('Active'),
    Terms: v('30D'),
    BillingAddressOverride: v(true),
    MainContact: {
      id: 'c1a7c2f0-7d2e-ef11-8c81-0a1b2c3d4e5f',
      rowNumber: 1,
      note: {},
      Attention: v('Dr. Jane Roe'),
      DisplayName: v('Elm Street Dental'),
      Email: v('office@elmdental.example'),
      Phone1: v('+1 555 0101'),
      Phone2: {},
      Address: {
        id: 'd1a7c2f0-7d2e-ef11-8c81-0a1b2c3d4e5f',
        rowNumber: 1,
        note: {},
        AddressLine1: v('Elm Street Dental LLC'),
        AddressLine2: v('12 Elm St'),
        City: v('Springfield'),
        Country: v('US'),
        PostalCode: v('62701'),
        State: v('IL'),
        Validated: v(false),
        custom: {},
      },
      custom: {},
    },
    BillingContact: {
      Attention: {},
      Email: v('billing@elmdental.example'),
      Phone1: {},
      Address: {
        AddressLine1: v('PO Box 77'),
        AddressLine2: {},
        City: v('Springfield'),
        Country: v('US'),
        PostalCode: v('62705'),
        State: v('IL'),
      },
    },
    ShippingContact: {
      Attention: {},
      Email: {},
      Phone1: {},
      Address: {
        AddressLine1: v('Elm Street Dental LLC'),
        AddressLine2: v('14 Elm St, rear entrance'),
        City: v('Springfield'),
        Country: v('US'),
        PostalCode: v('62701'),
        State: v('IL'),
      },
    },
    custom: {},
    _links: links('Customer', id),
    ...overrides,
  };
}

export function acumaticaStockItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const id = 'e2b8d3f1-7d2e-ef11-8c81-0a1b2c3d4e5f';
  return {
    id,
    rowNumber: 1,
    note: v(''),
    BaseUOM: v('EA'),
    DefaultPrice: v(249.5),
    Description: v('Boiler circulation pump'),
    InventoryID: v('BOILER-PUMP'),
    ItemClass: v('PARTS'),
    ItemStatus: v('Active'),
    LastModified: v('2025-03-04T09:10:00+03:00'),
    LastModifiedDateTime: v('2025-03-04T09:10:00.5+03:00'),
    SalesUOM: v('EA'),
    CrossReferences: [
      {
        id: 'f2b8d3f1-7d2e-ef11-8c81-0a1b2c3d4e5f',
        rowNumber: 1,
        note: {},
        AlternateID: v('0012345678905'),
        AlternateType: v('Barcode'),
        Description: {},
        UOM: v('EA'),
        VendorOrCustomer: {},
        custom: {},
      },
      {
        id: 'f3b8d3f1-7d2e-ef11-8c81-0a1b2c3d4e5f',
        rowNumber: 2,
        note: {},
        AlternateID: v('GF-UPS15-58'),
        AlternateType: v('Global'),
        Description: v('Grundfos'),
        UOM: v('EA'),
        VendorOrCustomer: {},
        custom: {},
      },
    ],
    custom: {},
    _links: links('StockItem', id),
    ...overrides,
  };
}

export function acumaticaServiceOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const id = 'a4c9e5f2-7d2e-ef11-8c81-0a1b2c3d4e5f';
  const row = (n: number, fields: Record<string, unknown>) => ({
    id: `b4c9e5f2-7d2e-ef11-8c81-0a1b2c3d4e${n}f`,
    rowNumber: n,
    note: {},
    LineNbr: v(n),
    LineType: v('Service'),
    custom: {},
    ...fields,
  });
  return {
    id,
    rowNumber: 1,
    note: v(''),
    Customer: v('C000123'),
    CustomerOrder: {},
    Date: v('2025-03-04T00:00:00-05:00'),
    Description: v('Boiler service at 12 Elm St'),
    ExternalReference: v('FS-WO-88213'),
    Hold: v(false),
    LastModifiedDateTime: v('2025-03-04T14:22:08.17-05:00'),
    ServiceOrderNbr: v('SO000412'),
    ServiceOrderType: v('MRO'),
    Status: v('Completed'),
    Details: [
      row(1, {
        InventoryID: v('LABOR-HR'),
        Description: v('Technician labour'),
        EstimatedQty: v(3),
        UnitPrice: v(160),
        UOM: v('HOUR'),
        DiscountPercent: v(0),
      }),
      row(2, {
        InventoryID: v('BOILER-PUMP'),
        Description: {},
        EstimatedQty: v(1),
        UnitPrice: v(249.5),
        UOM: v('EA'),
        DiscountPercent: v(10),
      }),
      row(3, { InventoryID: v('FILTER-X'), Description: v('Filter'), EstimatedQty: v(0), UnitPrice: v(5) }),
    ],
    custom: {},
    _links: links('ServiceOrder', id),
    ...overrides,
  };
}

/** One rich record per pushable entity type (every optional field the mapper sends is set). */
export function sampleRecords() {
  return {
    customers: stored(
      'customers',
      {
        name: 'Acme Plumbing - North Yard',
        number: 'acme-north',
        type: 'BUSINESS',
        parentCustomerId: 'cus_parent000001',
        email: 'north@acme-plumbing.example',
        terms: '30D',
        currency: 'USD',
        contacts: [
          {
            name: 'Sam Ortiz',
            email: 'sam@acme-plumbing.example',
            phones: [{ kind: 'mobile', number: '+1 555 0199' }],
          },
          {
            name: 'Pat Lee',
            isPrimary: true,
            email: 'pat@acme-plumbing.example',
            phones: [
              { kind: 'mobile', number: '+1 555 0111' },
              { kind: 'business', number: '+1 555 0100' },
            ],
          },
        ],
        billingAddress: {
          line1: 'PO Box 12',
          city: 'Springfield',
          state: 'IL',
          postalCode: '62705',
          country: 'us',
        },
        locations: [
          {
            id: 'yard',
            name: 'North Yard',
            isPrimary: true,
            address: {
              line1: '400 Yard Rd',
              line2: 'Gate 3',
              line3: 'Dock B',
              city: 'Springfield',
              state: 'IL',
              postalCode: '62701',
              country: 'US',
              latitude: 39.8,
              longitude: -89.64,
            },
          },
        ],
      },
      { id: 'cus_k3j9x2m4q8w1' },
    ),
    vendors: stored('vendors', {
      name: 'Midwest Boiler Supply',
      contact: {
        name: 'Kim Park',
        email: 'kim@mbs.example',
        phones: [{ kind: 'business', number: '+1 555 0142' }],
      },
      address: {
        line1: '9 Industrial Pkwy',
        line2: 'Unit 4',
        city: 'Peoria',
        state: 'IL',
        postalCode: '61602',
        country: 'US',
      },
      terms: '30D',
      currency: 'USD',
    }),
    products: stored('products', {
      sku: 'boiler-pump',
      description: 'Boiler circulation pump',
      manufacturerName: 'Grundfos',
      manufacturerPartNumber: 'GF-UPS15-58',
      barcode: '0012345678905',
      price: 249.5,
      cost: 180,
      unit: 'EA',
      itemClass: 'PARTS',
    }),
    services: stored('services', {
      sku: 'labor-hr',
      description: 'Technician labour, per hour',
      price: 160,
      unit: 'HOUR',
      itemClass: 'LABOR',
    }),
    'work-orders': stored('work-orders', {
      customerId: 'cus_k3j9x2m4q8w1',
      description: 'Boiler service at 12 Elm St',
      date: '2025-03-04',
      lines: [
        {
          serviceId: 'svc_labour000001',
          description: 'Technician labour',
          quantity: 3,
          unitPrice: 160,
          uom: 'HOUR',
        },
        { productId: 'prd_boiler000001', quantity: 1, unitPrice: 249.5, uom: 'EA', discountPercent: 10 },
        { sku: 'filter-x', description: 'Filter', quantity: 2, unitPrice: 5 },
      ],
    }),
    estimates: stored('estimates', {
      customerId: 'cus_k3j9x2m4q8w1',
      description: 'Replace boiler pump',
      date: '2025-03-04',
      expirationDate: '2025-04-04',
      lines: [
        { productId: 'prd_boiler000001', quantity: 1, unitPrice: 249.5, uom: 'EA', discountPercent: 5 },
      ],
    }),
    'sales-orders': stored('sales-orders', {
      customerId: 'cus_k3j9x2m4q8w1',
      description: 'Pump for north yard',
      customerPO: 'PO-7781',
      date: '2025-03-04',
      dueDate: '2025-04-03',
      requestedDate: '2025-03-07',
      lines: [
        {
          productId: 'prd_boiler000001',
          description: 'Pump',
          quantity: 2,
          unitPrice: 249.5,
          uom: 'EA',
          discountPercent: 5,
        },
      ],
      discounts: [{ description: 'Coupon', kind: 'amount', value: 20 }],
      markups: [{ description: 'Rush delivery', kind: 'percent', value: 10 }],
      salesTax: { taxZoneId: 'IL', taxId: 'ILSTATE', amount: 28.1 },
    }),
    'purchase-orders': stored('purchase-orders', {
      vendorId: 'ven_supply000001',
      description: 'Restock pumps',
      date: '2025-03-04',
      promisedDate: '2025-03-11',
      lines: [
        {
          productId: 'prd_boiler000001',
          description: 'Pump',
          quantity: 4,
          unitPrice: 180,
          uom: 'EA',
          discountPercent: 10,
        },
      ],
    }),
    invoices: stored('invoices', {
      customerId: 'cus_k3j9x2m4q8w1',
      description: 'Boiler service',
      invoiceDate: '2025-03-05',
      dueDate: '2025-04-04',
      terms: '30D',
      lines: [
        { serviceId: 'svc_labour000001', description: 'Labour', quantity: 3, unitPrice: 160, uom: 'HOUR' },
        {
          productId: 'prd_boiler000001',
          description: 'Pump',
          quantity: 1,
          unitPrice: 249.5,
          uom: 'EA',
          discountPercent: 10,
        },
      ],
      discounts: [
        { description: 'Loyalty', kind: 'percent', value: 5 },
        { description: 'Coupon', kind: 'amount', value: 20 },
      ],
      markups: [
        { description: 'Emergency call-out', kind: 'amount', value: 75 },
        { description: 'Materials handling', kind: 'percent', value: 2 },
      ],
      salesTax: { taxZoneId: 'IL', taxId: 'ILSTATE', ratePercent: 6.25, amount: 48.1 },
    }),
  };
}
