import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAPPERS,
  pulledChanges,
  pulledHash,
  type PullContext,
  type PullResult,
} from '../../../acumatica/mappers';
import type { EntityType } from '../../../core/entities';
import { RECORD_SPECS } from '../../../core/records';
import type { AcumaticaRecord } from '../../../acumatica/values';
import {
  acumaticaCustomer,
  acumaticaServiceOrder,
  acumaticaStockItem,
  pullContext,
  SETTINGS,
  stored,
  v,
} from './fixtures';

function pull<T extends EntityType>(entity: T, raw: AcumaticaRecord, ctx: PullContext = pullContext()) {
  const fn = MAPPERS[entity].pull;
  assert.ok(fn, `${entity} has a pull mapper`);
  return fn(raw, ctx);
}

function record<T extends EntityType>(result: PullResult<T>): Extract<PullResult<T>, { kind: 'record' }> {
  assert.equal(result.kind, 'record', result.kind === 'skip' ? result.reason : '');
  return result as Extract<PullResult<T>, { kind: 'record' }>;
}

/** What the pull would create: must pass our create schema. */
function assertCreatable<T extends EntityType>(
  entity: T,
  result: Extract<PullResult<T>, { kind: 'record' }>,
) {
  RECORD_SPECS[entity].createInput.parse({ ...result.createDefaults, ...result.fields });
}

describe('customer pull', () => {
  it('maps a real-shaped customer, trimming padded keys and reading the offset instant', () => {
    const r = record(pull('customers', acumaticaCustomer()));
    assert.equal(r.key, 'C000200');
    assert.equal(r.acumaticaId, 'b1a7c2f0-7d2e-ef11-8c81-0a1b2c3d4e5f');
    assert.equal(r.modifiedAt, '2025-03-04T19:22:08.170Z');
    assert.deepEqual(r.fields, {
      name: 'Elm Street Dental',
      status: 'ACTIVE',
      email: 'office@elmdental.example',
      phone: '+1 555 0101',
      terms: '30D',
      currency: 'USD',
      billingAddress: {
        line1: 'PO Box 77',
        city: 'Springfield',
        state: 'IL',
        postalCode: '62705',
        country: 'US',
      },
    });
    assert.equal(r.createDefaults.type, 'BUSINESS');
    assert.equal(r.createDefaults.number, 'C000200');
    assert.deepEqual(r.createDefaults.contacts, [{ name: 'Dr. Jane Roe', isPrimary: true, phones: [] }]);
    assert.equal(r.fields.type, undefined, 'the customer type is a create-only default');
    assertCreatable('customers', r);
  });

  it('applies newCustomerType, ShipTo and skip-first-line settings', () => {
    const r = record(
      pull(
        'customers',
        acumaticaCustomer(),
        pullContext({ newCustomerType: 'RESIDENTIAL', useShipToAddress: true, skipFirstAddressLine: true }),
      ),
    );
    assert.equal(r.createDefaults.type, 'RESIDENTIAL');
    assert.deepEqual(r.fields.billingAddress, {
      line1: '14 Elm St, rear entrance',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62701',
      country: 'US',
    });
    assert.equal(r.createDefaults.locations?.[0]?.address.line1, '14 Elm St, rear entrance');
  });

  it('never invents coordinates', () => {
    const r = record(pull('customers', acumaticaCustomer()));
    assert.doesNotMatch(JSON.stringify(r), /latitude|longitude/);
  });

  it('skips sub-customers unless enabled, and resolves the parent when enabled', () => {
    const child = acumaticaCustomer({ ParentRecord: v('C000123') });
    const skipped = pull('customers', child);
    assert.equal(skipped.kind, 'skip');
    const r = record(pull('customers', child, pullContext({ includeSubCustomers: true })));
    assert.equal(r.fields.parentCustomerId, 'cus_k3j9x2m4q8w1');
    const orphan = record(
      pull(
        'customers',
        acumaticaCustomer({ ParentRecord: v('C999999') }),
        pullContext({ includeSubCustomers: true }),
      ),
    );
    assert.equal(orphan.fields.parentCustomerId, undefined);
    assert.deepEqual(orphan.unresolved, [{ field: 'parentCustomerId', entity: 'customers', key: 'C999999' }]);
  });

  it('reads {} and {value:null} fields as absent', () => {
    const r = record(
      pull(
        'customers',
        acumaticaCustomer({
          Terms: {},
          CurrencyID: { value: null },
          Status: v('Inactive'),
          BillingContact: { Address: { AddressLine1: {}, City: {} } },
          ShippingContact: {},
          MainContact: { Attention: {}, Email: {}, Phone1: { value: null } },
        }),
      ),
    );
    assert.deepEqual(r.fields, { name: 'Elm Street Dental', status: 'INACTIVE' });
    assert.deepEqual(r.createDefaults.contacts, []);
    assert.deepEqual(r.createDefaults.locations, []);
    assertCreatable('customers', r);
  });
});

describe('item pulls', () => {
  it('maps a StockItem with its cross-references and the version modified field', () => {
    const r = record(pull('products', acumaticaStockItem()));
    assert.deepEqual(r.fields, {
      description: 'Boiler circulation pump',
      status: 'ACTIVE',
      price: 249.5,
      unit: 'EA',
      itemClass: 'PARTS',
      manufacturerPartNumber: 'GF-UPS15-58',
      manufacturerName: 'Grundfos',
      barcode: '0012345678905',
    });
    assert.equal(r.modifiedAt, '2025-03-04T06:10:00.500Z', 'LastModifiedDateTime on 24');
    const on23 = record(pull('products', acumaticaStockItem(), pullContext({}, '23.200.001')));
    assert.equal(on23.modifiedAt, '2025-03-04T06:10:00.000Z', 'LastModified before 24');
    assertCreatable('products', r);
  });

  it('maps a NonStockItem with BaseUnit', () => {
    const r = record(
      pull('services', {
        id: 'x',
        InventoryID: v('LABOR-HR'),
        Description: v('Labour'),
        ItemStatus: v('Inactive'),
        DefaultPrice: v(160),
        BaseUnit: v('HOUR'),
        ItemClass: {},
        LastModifiedDateTime: v('2025-03-04T14:22:08+00:00'),
      }),
    );
    assert.deepEqual(r.fields, { description: 'Labour', status: 'INACTIVE', price: 160, unit: 'HOUR' });
    assertCreatable('services', r);
  });
});

describe('work order pull', () => {
  it('maps a ServiceOrder: calendar date as written, lines resolved to our items, zero rows dropped', () => {
    const r = record(pull('work-orders', acumaticaServiceOrder()));
    assert.equal(r.key, 'MRO/SO000412');
    assert.equal(r.fields.date, '2025-03-04', 'local midnight -05:00 stays the 4th');
    assert.equal(r.modifiedAt, '2025-03-04T19:22:08.170Z');
    assert.deepEqual(r.fields.lines, [
      {
        serviceId: 'svc_labour000001',
        description: 'Technician labour',
        quantity: 3,
        unitPrice: 160,
        uom: 'HOUR',
      },
      { productId: 'prd_boiler000001', quantity: 1, unitPrice: 249.5, uom: 'EA', discountPercent: 10 },
    ]);
    assert.equal(r.createDefaults.status, 'COMPLETED');
    assert.equal(r.fields.status, undefined, 'status is not managed on update');
    assertCreatable('work-orders', r);
  });

  it('has no modified time on 22.200.001 and skips orders of unknown customers', () => {
    const on22 = record(pull('work-orders', acumaticaServiceOrder(), pullContext({}, '22.200.001')));
    assert.equal(on22.modifiedAt, null);
    const stranger = pull('work-orders', acumaticaServiceOrder({ Customer: v('C424242') }));
    assert.equal(stranger.kind, 'skip');
  });
});

describe('project and price list pulls', () => {
  it('maps a Project with its address and real coordinates from 23 on', () => {
    const raw = {
      id: 'p1',
      ProjectID: v('PRJ-ELM'),
      Description: v('Elm St renovation'),
      Customer: v('C000123'),
      Status: v('Active'),
      LastModifiedDateTime: v('2025-03-04T14:22:08.17-05:00'),
      ProjectAddress: {
        AddressLine1: v('12 Elm St'),
        City: v('Springfield'),
        State: v('IL'),
        PostalCode: {},
        Country: v('US'),
        Latitude: v(39.8),
        Longitude: v(-89.64),
      },
    };
    const r = record(pull('projects', raw));
    assert.deepEqual(r.fields, {
      name: 'Elm St renovation',
      customerId: 'cus_k3j9x2m4q8w1',
      status: 'Active',
      address: {
        line1: '12 Elm St',
        city: 'Springfield',
        state: 'IL',
        country: 'US',
        latitude: 39.8,
        longitude: -89.64,
      },
    });
    assert.equal(record(pull('projects', raw, pullContext({}, '22.200.001'))).fields.address, undefined);
    assertCreatable('projects', r);
  });

  it('groups inquiry rows into one price list per price code', () => {
    const row = (code: unknown, type: string, sku: string, price: number, modified: string) => ({
      id: `r-${sku}-${price}`,
      PriceCode: code,
      PriceType: v(type),
      InventoryID: v(sku),
      UOM: v('EA'),
      BreakQty: v(0),
      Price: v(price),
      CurrencyID: v('USD'),
      EffectiveDate: v('2025-01-01T00:00:00-05:00'),
      ExpirationDate: {},
      LastModifiedDateTime: v(modified),
    });
    const result = {
      PriceType: v('All Prices'),
      SalesPriceDetails: [
        row({}, 'Base', 'BOILER-PUMP', 249.5, '2025-01-02T10:00:00+00:00'),
        row(v('RETAIL'), 'Customer Price Class', 'BOILER-PUMP', 239, '2025-02-02T10:00:00+00:00'),
        row(v('RETAIL'), 'Customer Price Class', 'LABOR-HR', 150, '2025-02-03T10:00:00+00:00'),
      ],
    };
    const lists = MAPPERS['price-lists'].pullMany?.(result, pullContext()) ?? [];
    assert.deepEqual(
      lists.map((l) => l.key),
      ['BASE', 'RETAIL'],
    );
    const retail = record(lists[1] as PullResult<'price-lists'>);
    assert.equal(retail.modifiedAt, '2025-02-03T10:00:00.000Z');
    assert.equal(retail.fields.prices?.length, 2);
    assert.deepEqual(retail.fields.prices?.[0], {
      itemSku: 'BOILER-PUMP',
      uom: 'EA',
      breakQty: 0,
      price: 239,
      currency: 'USD',
      effectiveDate: '2025-01-01',
    });
    assertCreatable('price-lists', retail);
  });
});

describe('pulled hash and changes', () => {
  it('ignores what the pull cannot see, and reports only changed managed fields', () => {
    const r = record(pull('customers', acumaticaCustomer()));
    const ours = stored('customers', {
      ...r.createDefaults,
      ...r.fields,
      name: r.fields.name ?? '',
      billingAddress: { ...r.fields.billingAddress, latitude: 39.78, longitude: -89.65 },
    } as never);
    assert.equal(pulledHash('customers', ours, SETTINGS), pulledHash('customers', r.fields, SETTINGS));
    assert.deepEqual(pulledChanges('customers', ours, r.fields, SETTINGS), { set: {}, unset: [] });

    const renamed = record(
      pull('customers', acumaticaCustomer({ CustomerName: v('Elm Dental'), Terms: {} })),
    );
    assert.notEqual(
      pulledHash('customers', ours, SETTINGS),
      pulledHash('customers', renamed.fields, SETTINGS),
    );
    assert.deepEqual(pulledChanges('customers', ours, renamed.fields, SETTINGS), {
      set: { name: 'Elm Dental' },
      unset: ['terms'],
    });
  });
});

describe('pull queries per version', () => {
  it('uses each version’s modified field', () => {
    assert.equal(MAPPERS['work-orders'].pullQuery?.('22.200.001').modifiedField, null);
    assert.equal(MAPPERS['work-orders'].pullQuery?.('23.200.001').modifiedField, 'LastModifiedDateTime');
    assert.equal(MAPPERS.products.pullQuery?.('23.200.001').modifiedField, 'LastModified');
    assert.equal(MAPPERS.products.pullQuery?.('24.200.001').modifiedField, 'LastModifiedDateTime');
    assert.equal(MAPPERS.estimates.pullQuery?.('24.200.001').modifiedField, 'LastModified');
    assert.deepEqual(MAPPERS.projects.pullQuery?.('22.200.001').expand, []);
    assert.deepEqual(MAPPERS['price-lists'].pullQuery?.('24.200.001').inquiry, {
      PriceType: { value: 'All Prices' },
    });
  });
});
