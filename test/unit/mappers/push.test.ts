import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  acumaticaKeyFor,
  MAPPERS,
  MissingDependencyError,
  pushHash,
  type AcumaticaBody,
  type PushContext,
} from '../../../acumatica/mappers';
import { lineDiscounts } from '../../../acumatica/mappers/pricing';
import type { EntityType } from '../../../core/entities';
import type { RecordTypes } from '../../../core/records';
import { pushContext, sampleRecords, SETTINGS, stored } from './fixtures';

const records = sampleRecords();

function push<T extends EntityType>(
  entity: T,
  record: RecordTypes[T],
  ctx: PushContext = pushContext(),
): AcumaticaBody {
  const fn = MAPPERS[entity].push;
  assert.ok(fn, `${entity} has a push mapper`);
  return fn(record, ctx);
}

/** Reads a wrapped value at a dotted path of a body (`MainContact.Address.City`). */
function at(body: unknown, path: string): unknown {
  let node: unknown = body;
  for (const part of path.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  return node;
}
const val = (body: unknown, path: string) => (at(body, path) as { value?: unknown } | undefined)?.value;
const rows = (body: AcumaticaBody, name = 'Details') => body[name] as AcumaticaBody[];

describe('customer push', () => {
  it('maps name, status, parent, references, main contact and billing address', () => {
    const body = push('customers', records.customers);
    assert.equal(val(body, 'CustomerID'), 'ACME-NORTH');
    assert.equal(val(body, 'CustomerName'), 'Acme Plumbing - North Yard');
    assert.equal(val(body, 'Status'), 'Active');
    assert.equal(val(body, 'ParentRecord'), 'C000100');
    assert.equal(val(body, 'AccountRef'), records.customers.externalRef);
    assert.equal(val(body, 'Terms'), '30D');
    assert.equal(val(body, 'CurrencyID'), 'USD');
    assert.equal(val(body, 'MainContact.Attention'), 'Pat Lee', 'the primary contact, not the first');
    assert.equal(val(body, 'MainContact.Email'), 'north@acme-plumbing.example');
    assert.equal(val(body, 'MainContact.Phone1'), '+1 555 0100', 'the business phone of the primary contact');
    assert.equal(val(body, 'MainContact.Address.AddressLine1'), '400 Yard Rd');
    assert.equal(val(body, 'MainContact.Address.AddressLine2'), 'Gate 3, Dock B');
    assert.equal(val(body, 'BillingAddressOverride'), true);
    assert.equal(val(body, 'BillingContact.Address.AddressLine1'), 'PO Box 12');
    assert.equal(val(body, 'BillingContact.Address.Country'), 'US');
    assert.equal(body.ShippingContact, undefined);
    assert.doesNotMatch(JSON.stringify(body), /atitude|ongitude/, 'coordinates have no Acumatica field');
  });

  it('writes the billing address to ShipTo when the account uses ShipTo addresses', () => {
    const ctx = pushContext({ settings: { ...SETTINGS, useShipToAddress: true } });
    const body = push('customers', records.customers, ctx);
    assert.equal(val(body, 'ShippingAddressOverride'), true);
    assert.equal(val(body, 'ShippingContact.Address.AddressLine1'), 'PO Box 12');
    assert.equal(body.BillingContact, undefined);
    assert.equal(body.BillingAddressOverride, undefined);
  });

  it('leaves AddressLine1 to Acumatica when the first address line is skipped', () => {
    const ctx = pushContext({ settings: { ...SETTINGS, skipFirstAddressLine: true } });
    const body = push('customers', records.customers, ctx);
    assert.equal(at(body, 'MainContact.Address.AddressLine1'), undefined);
    assert.equal(val(body, 'MainContact.Address.AddressLine2'), '400 Yard Rd');
  });

  it('clears contact fields we no longer have instead of leaving stale values', () => {
    const bare = stored(
      'customers',
      { name: 'Walk-in', contacts: [], locations: [] },
      { id: 'cus_walkin000001' },
    );
    const body = push('customers', bare);
    assert.deepEqual(body.MainContact, {
      Attention: { value: null },
      Email: { value: null },
      Phone1: { value: null },
    });
    assert.deepEqual(body.ParentRecord, { value: null });
    assert.equal(body.Terms, undefined, 'terms default from the customer class');
  });

  it('fails with the missing parent when the parent is not in Acumatica yet', () => {
    const orphan = stored('customers', { name: 'Child', parentCustomerId: 'cus_unknown00001' });
    assert.throws(
      () => push('customers', orphan),
      (err: unknown) =>
        err instanceof MissingDependencyError &&
        err.type === 'MissingDependency' &&
        err.missing.length === 1 &&
        err.missing[0]?.id === 'cus_unknown00001',
    );
    assert.deepEqual(MAPPERS.customers.dependencies?.(orphan), [
      { entity: 'customers', id: 'cus_unknown00001' },
    ]);
  });

  it('chooses a deterministic CustomerID of at most 10 characters', () => {
    const a = stored('customers', { name: 'A' }, { id: 'cus_AbCdEf123456' });
    const b = stored('customers', { name: 'B' }, { id: 'cus_abcdef123456' });
    const keyA = acumaticaKeyFor('customers', a);
    assert.match(keyA ?? '', /^C[0-9A-Z]{9}$/);
    assert.equal(acumaticaKeyFor('customers', { ...a }), keyA, 'same record, same key');
    assert.notEqual(acumaticaKeyFor('customers', b), keyA, 'ids differing only in case get different keys');
    const longNumber = stored('customers', { name: 'L', number: 'CUSTOMER-NUMBER-42' });
    assert.match(
      acumaticaKeyFor('customers', longNumber) ?? '',
      /^C[0-9A-Z]{9}$/,
      'too long for a CustomerID',
    );
    const synced = stored('customers', { name: 'S', number: 'NEWNUM' }, { externalId: 'C000777' });
    assert.equal(val(push('customers', synced), 'CustomerID'), 'C000777', 'a synced record keeps its key');
  });
});

describe('vendor push', () => {
  it('maps the vendor, its contact and address', () => {
    const body = push('vendors', records.vendors);
    assert.match(String(val(body, 'VendorID')), /^V[0-9A-Z]{9}$/);
    assert.equal(val(body, 'VendorName'), 'Midwest Boiler Supply');
    assert.equal(val(body, 'AccountRef'), records.vendors.externalRef);
    assert.equal(val(body, 'MainContact.Attention'), 'Kim Park');
    assert.equal(val(body, 'MainContact.Email'), 'kim@mbs.example');
    assert.equal(val(body, 'MainContact.Phone1'), '+1 555 0142');
    assert.equal(val(body, 'MainContact.Address.AddressLine2'), 'Unit 4');
  });
});

describe('product and service push', () => {
  it('maps a product to a StockItem with cross-references', () => {
    const body = push('products', records.products);
    assert.equal(val(body, 'InventoryID'), 'BOILER-PUMP');
    assert.equal(val(body, 'DefaultPrice'), 249.5);
    assert.equal(val(body, 'BaseUOM'), 'EA');
    assert.equal(val(body, 'SalesUOM'), 'EA');
    assert.equal(val(body, 'ItemStatus'), 'Active');
    assert.equal(val(body, 'ItemClass'), 'PARTS');
    assert.deepEqual(rows(body, 'CrossReferences'), [
      {
        AlternateType: { value: 'Global' },
        AlternateID: { value: 'GF-UPS15-58' },
        Description: { value: 'Grundfos' },
      },
      { AlternateType: { value: 'Barcode' }, AlternateID: { value: '0012345678905' } },
    ]);
  });

  it('does not add cross-references Acumatica already has', () => {
    const current = {
      CrossReferences: [
        { id: 'r1', AlternateType: { value: 'Barcode' }, AlternateID: { value: '0012345678905' } },
        {
          id: 'r2',
          AlternateType: { value: 'Global' },
          AlternateID: { value: 'GF-UPS15-58' },
          Description: { value: 'Old' },
        },
      ],
    };
    const body = push('products', records.products, pushContext({ current }));
    assert.deepEqual(rows(body, 'CrossReferences'), [
      {
        id: 'r2',
        AlternateType: { value: 'Global' },
        AlternateID: { value: 'GF-UPS15-58' },
        Description: { value: 'Grundfos' },
      },
    ]);
    const unchanged = {
      CrossReferences: [
        current.CrossReferences[0],
        { ...current.CrossReferences[1], Description: { value: 'Grundfos' } },
      ],
    };
    assert.equal(
      push('products', records.products, pushContext({ current: unchanged })).CrossReferences,
      undefined,
    );
  });

  it('maps a service to a NonStockItem with BaseUnit, not BaseUOM', () => {
    const body = push('services', records.services);
    assert.equal(val(body, 'InventoryID'), 'LABOR-HR');
    assert.equal(val(body, 'BaseUnit'), 'HOUR');
    assert.equal(val(body, 'SalesUnit'), 'HOUR');
    assert.equal(body.BaseUOM, undefined);
  });
});

describe('document push', () => {
  it('maps a work order to a ServiceOrder without its number', () => {
    const body = push('work-orders', records['work-orders']);
    assert.equal(val(body, 'ServiceOrderType'), 'MRO');
    assert.equal(body.ServiceOrderNbr, undefined);
    assert.equal(val(body, 'Customer'), 'C000123');
    assert.equal(val(body, 'Date'), '2025-03-04');
    assert.equal(val(body, 'ExternalReference'), records['work-orders'].externalRef);
    const lines = rows(body);
    assert.deepEqual(
      lines.map((l) => val(l, 'InventoryID')),
      ['LABOR-HR', 'BOILER-PUMP', 'FILTER-X'],
    );
    assert.equal(val(lines[0], 'EstimatedQty'), 3);
    assert.equal(val(lines[1], 'DiscountPercent'), 10);
    assert.equal(val(lines[1], 'ManualPrice'), true);
    assert.equal(
      val(
        push('work-orders', records['work-orders'], pushContext({ serviceOrderType: 'INST' })),
        'ServiceOrderType',
      ),
      'INST',
    );
  });

  it('updates lines in place and deletes surplus rows when Acumatica has the order', () => {
    const current = { Details: [{ id: 'l1' }, { id: 'l2' }, { id: 'l3' }, { id: 'l4' }] };
    const lines = rows(push('work-orders', records['work-orders'], pushContext({ current })));
    assert.deepEqual(
      lines.map((l) => l.id),
      ['l1', 'l2', 'l3', 'l4'],
    );
    assert.deepEqual(lines[3], { id: 'l4', delete: true });
    assert.equal(val(lines[0], 'InventoryID'), 'LABOR-HR');
  });

  it('names every product and service not yet in Acumatica', () => {
    const wo = stored('work-orders', {
      customerId: 'cus_nobody000001',
      description: 'x',
      date: '2025-03-04',
      lines: [
        { productId: 'prd_missing00001', quantity: 1, unitPrice: 1 },
        { serviceId: 'svc_missing00001', quantity: 1, unitPrice: 1 },
      ],
    });
    assert.throws(
      () => push('work-orders', wo),
      (err: unknown) =>
        err instanceof MissingDependencyError &&
        err.missing.map((m) => m.id).join() === 'cus_nobody000001,prd_missing00001,svc_missing00001',
    );
  });

  it('maps estimates to QT and sales orders to SO sales orders', () => {
    const estimate = push('estimates', records.estimates);
    assert.equal(val(estimate, 'OrderType'), 'QT');
    assert.equal(estimate.OrderNbr, undefined);
    assert.equal(val(estimate, 'ExternalRef'), records.estimates.externalRef);
    assert.equal(val(estimate, 'CustomerID'), 'C000123');
    assert.equal(val(rows(estimate)[0], 'OrderQty'), 1);
    const order = push('sales-orders', records['sales-orders']);
    assert.equal(val(order, 'OrderType'), 'SO');
    assert.equal(val(order, 'CustomerOrder'), 'PO-7781');
    assert.equal(val(order, 'RequestedOn'), '2025-03-07');
    assert.equal(val(rows(estimate)[0], 'DiscountAmount'), 12.48, "the line's own 5 %");
    assert.equal(val(rows(estimate)[0], 'DiscountPercent'), undefined);
    assert.equal(estimate.FinancialSettings, undefined, 'nothing to say in FinancialSettings');
    assert.equal(estimate.TaxDetails, undefined);
  });

  it('maps a sales order with due date, discounts, markups and tax like an invoice', () => {
    const order = push('sales-orders', records['sales-orders']);
    assert.equal(val(order, 'OrderType'), 'SO');
    assert.equal(val(order, 'CustomerOrder'), 'PO-7781');
    assert.equal(val(order, 'RequestedOn'), '2025-03-07');
    assert.deepEqual(order.FinancialSettings, {
      DueDate: { value: '2025-04-03' },
      CustomerTaxZone: { value: 'IL' },
      OverrideTaxZone: { value: true },
    });
    // 2 × 249.50 = 499.00, less its own 5 % (24.95) and the 20.00 coupon; the markup is 10 % of 474.05.
    assert.deepEqual(
      rows(order).map((l) => [
        val(l, 'LineDescription'),
        val(l, 'OrderQty'),
        val(l, 'UnitPrice'),
        val(l, 'DiscountAmount'),
        val(l, 'ManualDiscount'),
      ]),
      [
        ['Pump', 2, 249.5, 44.95, true],
        ['Rush delivery', 1, 47.41, undefined, undefined],
      ],
    );
    assert.equal(rows(order)[1]?.InventoryID, undefined);
    assert.deepEqual(order.TaxDetails, [{ TaxID: { value: 'ILSTATE' }, TaxAmount: { value: 28.1 } }]);
  });

  it('maps a purchase order of type Normal with the discounted unit cost', () => {
    const body = push('purchase-orders', records['purchase-orders']);
    assert.equal(val(body, 'Type'), 'Normal');
    assert.equal(val(body, 'VendorID'), 'V000042');
    assert.equal(val(body, 'VendorRef'), records['purchase-orders'].externalRef);
    assert.equal(val(body, 'PromisedOn'), '2025-03-11');
    assert.equal(val(rows(body)[0], 'UnitCost'), 162);
  });

  it('maps an invoice with discounts as line amounts, markups as lines and the tax row', () => {
    const body = push('invoices', records.invoices);
    assert.equal(val(body, 'Type'), 'Invoice');
    assert.equal(val(body, 'Customer'), 'C000123');
    assert.equal(val(body, 'CustomerOrder'), records.invoices.externalRef);
    assert.equal(val(body, 'Date'), '2025-03-05');
    assert.equal(val(body, 'DueDate'), '2025-04-04');
    const lines = rows(body);
    assert.deepEqual(
      lines.map((l) => [
        val(l, 'TransactionDescription'),
        val(l, 'Qty'),
        val(l, 'UnitPrice'),
        val(l, 'DiscountAmount'),
      ]),
      [
        ['Labour', 3, 160, 37.63],
        ['Pump', 1, 249.5, 42.55],
        ['Emergency call-out', 1, 75, undefined],
        ['Materials handling', 1, 14.09, undefined],
      ],
    );
    assert.equal(lines[2]?.InventoryID, undefined);
    assert.deepEqual(body.TaxDetails, [
      { TaxID: { value: 'ILSTATE' }, TaxRate: { value: 6.25 }, TaxAmount: { value: 48.1 } },
    ]);
  });

  it('uses the integration date as invoice date when the setting is on', () => {
    const ctx = pushContext({ settings: { ...SETTINGS, useIntegrationDateForInvoices: true } });
    assert.equal(val(push('invoices', records.invoices, ctx), 'Date'), '2025-03-10');
  });

  it('spreads document discounts so the invoice total is exact to the cent', () => {
    const lines = [
      { quantity: 1, unitPrice: 10 },
      { quantity: 1, unitPrice: 10 },
      { quantity: 1, unitPrice: 10 },
    ];
    const discounts = lineDiscounts(lines, [{ description: 'd', kind: 'amount', value: 10 }]);
    assert.equal(Math.round(discounts.reduce((a, b) => a + b, 0) * 100), 1000);
    const capped = lineDiscounts(
      [{ quantity: 1, unitPrice: 5 }],
      [{ description: 'd', kind: 'amount', value: 50 }],
    );
    assert.deepEqual(capped, [5], 'a line is never discounted below zero');
  });
});

describe('keys and hashes', () => {
  it('writes and reads externalIds of two-part keys', () => {
    assert.deepEqual(MAPPERS['sales-orders'].keyFieldsFromExternalId('SO/SO004512'), {
      body: { OrderType: { value: 'SO' }, OrderNbr: { value: 'SO004512' } },
      segments: ['SO', 'SO004512'],
    });
    assert.deepEqual(MAPPERS.invoices.keyFieldsFromExternalId('Invoice/AR007731').body, {
      Type: { value: 'Invoice' },
      ReferenceNbr: { value: 'AR007731' },
    });
    assert.equal(
      MAPPERS['work-orders'].keyOf({
        ServiceOrderType: { value: 'MRO' },
        ServiceOrderNbr: { value: 'SO000412 ' },
      }),
      'MRO/SO000412',
    );
    assert.throws(() => MAPPERS['sales-orders'].keyFieldsFromExternalId('SO004512'), TypeError);
    assert.deepEqual(MAPPERS.customers.keyFieldsFromExternalId('C000123').segments, ['C000123']);
  });

  it('hashes a push the same with or without Acumatica line ids, and differently when content changes', () => {
    const wo = records['work-orders'];
    const plain = pushHash('work-orders', wo, pushContext());
    assert.equal(pushHash('work-orders', wo, pushContext({ current: { Details: [{ id: 'l1' }] } })), plain);
    const edited = { ...wo, description: 'Boiler service, second visit' };
    assert.notEqual(pushHash('work-orders', edited, pushContext()), plain);
  });
});
