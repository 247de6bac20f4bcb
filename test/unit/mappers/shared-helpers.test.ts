/**
 * The building blocks several mappers share (accounts, items, documents, pull results, keys), tested on
 * their own so a change to one is caught before it shows up in every entity that uses it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MissingDependencyError } from '../../../acumatica/mappers';
import { accountFromAcumatica, accountHeader, comparableAccount } from '../../../acumatica/mappers/accounts';
import { pairKeyed, pulledRecord, singleKeyed } from '../../../acumatica/mappers/common';
import {
  agreedPriceLine,
  documentDependencies,
  pushOnlyDocument,
  resolveDocument,
} from '../../../acumatica/mappers/documents';
import { itemFromAcumatica, itemToAcumatica } from '../../../acumatica/mappers/items';
import type { Line } from '../../../core/records';
import { pushContext, v } from './fixtures';

const keys = pushContext().keys;

describe('documents', () => {
  test('a document resolves its vendor through the vendor keys, and names every missing record at once', () => {
    const lines: Line[] = [
      { productId: 'prd_boiler000001', quantity: 1, unitPrice: 10 },
      { productId: 'prd_unknown00001', quantity: 1, unitPrice: 10 },
      { sku: 'filter-x', quantity: 1, unitPrice: 5 },
    ];
    const known = [lines[0], lines[2]].filter((l): l is Line => l !== undefined);
    assert.deepEqual(resolveDocument({ entity: 'vendors', id: 'ven_supply000001' }, known, keys), {
      party: 'V000042',
      items: ['BOILER-PUMP', 'FILTER-X'],
    });
    assert.throws(
      () => resolveDocument({ entity: 'customers', id: 'cus_unknown00001' }, lines, keys),
      (error: unknown) =>
        error instanceof MissingDependencyError &&
        JSON.stringify(error.missing) ===
          JSON.stringify([
            { entity: 'customers', id: 'cus_unknown00001' },
            { entity: 'products', id: 'prd_unknown00001' },
          ]),
    );
  });

  test('dependencies list the party first, then the items of the lines', () => {
    const lines: Line[] = [
      { serviceId: 'svc_labour000001', quantity: 1, unitPrice: 1 },
      { sku: 'X', quantity: 1, unitPrice: 1 },
    ];
    assert.deepEqual(documentDependencies({ entity: 'vendors', id: 'ven_1' }, lines), [
      { entity: 'vendors', id: 'ven_1' },
      { entity: 'services', id: 'svc_labour000001' },
    ]);
  });

  test('an agreed-price line uses the entity’s own field names and keeps Acumatica from repricing', () => {
    const line: Line = { description: 'Pump', quantity: 2, unitPrice: 249.5, uom: 'EA', discountPercent: 5 };
    assert.deepEqual(
      agreedPriceLine('BOILER-PUMP', line, { description: 'Description', quantity: 'EstimatedQty' }),
      {
        InventoryID: v('BOILER-PUMP'),
        Description: v('Pump'),
        EstimatedQty: v(2),
        UnitPrice: v(249.5),
        ManualPrice: v(true),
        UOM: v('EA'),
        DiscountPercent: v(5),
      },
    );
  });

  test('a push-only document is read with its lines and lists only its key and modified field for a pull', () => {
    const parts = pushOnlyDocument('SalesOrder', ['OrderType', 'OrderNbr'], 'LastModified', {
      'SalesOrder.Date': 'datetime',
    });
    assert.deepEqual(parts.pullQuery?.('24.200.001'), {
      entity: 'SalesOrder',
      modifiedField: 'LastModified',
      expand: ['Details'],
    });
    assert.deepEqual(parts.fieldList('24.200.001', 'pull'), {
      'SalesOrder.OrderType': 'string',
      'SalesOrder.OrderNbr': 'string',
      'SalesOrder.LastModified': 'datetime',
    });
    assert.deepEqual(parts.fieldList('24.200.001', 'push'), { 'SalesOrder.Date': 'datetime' });
    assert.equal(parts.keyOf({ OrderType: v('SO'), OrderNbr: v(' SO004512 ') }), 'SO/SO004512');
  });
});

describe('keys and pull results', () => {
  test('single and two-part keys read trimmed values and write the key fields back', () => {
    const single = singleKeyed('CustomerID');
    assert.equal(single.keyOf({ CustomerID: v('C000123   ') }), 'C000123');
    assert.equal(single.keyOf({}), '');
    assert.deepEqual(single.keyFieldsFromExternalId('C000123'), {
      body: { CustomerID: { value: 'C000123' } },
      segments: ['C000123'],
    });
    assert.deepEqual(pairKeyed('Type', 'OrderNbr').keyFieldsFromExternalId('Normal/PO000077'), {
      body: { Type: { value: 'Normal' }, OrderNbr: { value: 'PO000077' } },
      segments: ['Normal', 'PO000077'],
    });
  });

  test('a pulled record drops absent fields, keeps its GUID and reads the modified time as UTC', () => {
    const result = pulledRecord<'services'>(
      { id: 'f00d', LastModifiedDateTime: v('2025-03-04T10:00:00-05:00') },
      {
        key: 'LABOR-HR',
        modifiedField: 'LastModifiedDateTime',
        fields: { description: 'Labour', itemClass: undefined },
        createDefaults: { sku: 'LABOR-HR' },
      },
    );
    assert.deepEqual(result, {
      kind: 'record',
      acumaticaId: 'f00d',
      key: 'LABOR-HR',
      modifiedAt: '2025-03-04T15:00:00.000Z',
      fields: { description: 'Labour' },
      createDefaults: { sku: 'LABOR-HR' },
      unresolved: [],
    });
    const noModified = pulledRecord<'services'>(
      { id: '' },
      { key: 'X', modifiedField: null, fields: {}, createDefaults: {} },
    );
    assert.equal(noModified.kind === 'record' && noModified.modifiedAt, null);
    assert.equal(noModified.acumaticaId, null);
  });
});

describe('accounts', () => {
  test('held accounts pull as active, inactive ones as inactive; contact details come from MainContact', () => {
    const main = { Email: v('ap@acme.example'), Phone1: v('+1 555 0100') };
    assert.deepEqual(accountFromAcumatica({ Status: v('On Hold'), Terms: v('30D') }, main), {
      status: 'ACTIVE',
      email: 'ap@acme.example',
      phone: '+1 555 0100',
      terms: '30D',
      currency: undefined,
    });
    assert.equal(accountFromAcumatica({ Status: v('Inactive') }, undefined).status, 'INACTIVE');
  });

  test('the header sends the status label and our reference; comparison falls back to the contact', () => {
    assert.deepEqual(
      accountHeader({ status: 'INACTIVE', externalRef: 'FS-1', terms: undefined, currency: 'USD' }),
      {
        Status: 'Inactive',
        AccountRef: 'FS-1',
        Terms: undefined,
        CurrencyID: 'USD',
      },
    );
    const contact = {
      name: 'Pat',
      isPrimary: true,
      email: 'pat@acme.example',
      phones: [
        { kind: 'mobile' as const, number: '1' },
        { kind: 'business' as const, number: '2' },
      ],
    };
    assert.deepEqual(comparableAccount({}, contact), {
      status: 'ACTIVE',
      email: 'pat@acme.example',
      phone: '2',
      terms: undefined,
      currency: undefined,
    });
  });
});

describe('items', () => {
  test('the unit goes to the entity’s own base and sales unit fields; the stored key wins over the SKU', () => {
    const body = itemToAcumatica(
      {
        sku: 'labor-hr',
        description: 'Labour',
        status: 'ACTIVE',
        price: 160,
        unit: 'HOUR',
        itemClass: undefined,
        sync: { state: 'synced', externalId: 'LABOR-01' },
      },
      { base: 'BaseUnit', sales: 'SalesUnit' },
    );
    assert.deepEqual(body, {
      InventoryID: 'LABOR-01',
      Description: 'Labour',
      ItemStatus: 'Active',
      DefaultPrice: 160,
      BaseUnit: 'HOUR',
      SalesUnit: 'HOUR',
      ItemClass: undefined,
    });
  });

  test('an item marked for deletion pulls as inactive; a missing description falls back to the key', () => {
    assert.deepEqual(
      itemFromAcumatica({ ItemStatus: v('Marked for Deletion'), BaseUOM: v('EA') }, 'PUMP', {
        base: 'BaseUOM',
        sales: 'SalesUOM',
      }),
      { description: 'PUMP', status: 'INACTIVE', price: 0, unit: 'EA', itemClass: undefined },
    );
  });
});
