/**
 * Echo prevention: a two-way record pushed to Acumatica and read back by the pull hashes the same as
 * the record itself, under every customer setting. Acumatica's answer is modelled from the request:
 * ids and numbers assigned, BillTo/ShipTo equal to the main contact until their override flag is set.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAPPERS, pulledChanges, pulledHash, type AcumaticaBody } from '../../../acumatica/mappers';
import type { EntityType } from '../../../core/entities';
import type { RecordTypes } from '../../../core/records';
import type { RunSettings } from '../../../core/runs';
import { pullContext, pushContext, sampleRecords, SETTINGS, stored } from './fixtures';

/** Acumatica's answer to a PUT of `body`, as a later GET with the pull's expands returns it. */
function acumaticaEcho(entity: string, body: AcumaticaBody): AcumaticaBody {
  const echo: AcumaticaBody = structuredClone(body);
  echo.id = '0f0e0d0c-7d2e-ef11-8c81-0a1b2c3d4e5f';
  echo.LastModifiedDateTime = { value: '2025-03-10T12:00:00.123+00:00' };
  if (entity === 'ServiceOrder') echo.ServiceOrderNbr = { value: 'SO000999' };
  if (entity === 'Customer') {
    for (const [flag, contact] of [
      ['BillingAddressOverride', 'BillingContact'],
      ['ShippingAddressOverride', 'ShippingContact'],
    ] as const) {
      if ((echo[flag] as { value?: boolean } | undefined)?.value !== true)
        echo[contact] = structuredClone(echo.MainContact);
    }
  }
  if (Array.isArray(echo.Details))
    echo.Details = echo.Details.filter((r: AcumaticaBody) => r.delete !== true);
  return echo;
}

function roundTrip<T extends EntityType>(entity: T, record: RecordTypes[T], settings: RunSettings) {
  const mapper = MAPPERS[entity];
  const body = mapper.push?.(record, { ...pushContext(), settings }) ?? {};
  const result = mapper.pull?.(acumaticaEcho(mapper.acumaticaEntity, body), pullContext(settings));
  assert.ok(result && result.kind === 'record', `${entity} pulls its own push back`);
  return result;
}

const VARIANTS: [string, Partial<RunSettings>][] = [
  ['default settings', {}],
  ['skip first address line', { skipFirstAddressLine: true }],
  ['ShipTo address', { useShipToAddress: true }],
  ['ShipTo and skip first line', { useShipToAddress: true, skipFirstAddressLine: true }],
];

const TWO_WAY = ['customers', 'vendors', 'products', 'services', 'work-orders'] as const;

describe('push then pull gives the same pulled hash', () => {
  const records = sampleRecords();
  for (const [label, overrides] of VARIANTS) {
    it(label, () => {
      const settings = { ...SETTINGS, includeSubCustomers: true, ...overrides };
      for (const entity of TWO_WAY) {
        const record = records[entity] as RecordTypes[typeof entity];
        const pulled = roundTrip(entity, record, settings);
        assert.equal(
          pulledHash(entity, pulled.fields, settings),
          pulledHash(entity, record, settings),
          `${entity}: ${JSON.stringify(pulled.fields)}`,
        );
        assert.deepEqual(pulledChanges(entity, record, pulled.fields, settings), { set: {}, unset: [] });
      }
    });
  }

  it('holds for sparse records too (no contacts, no addresses, no lines)', () => {
    const settings = { ...SETTINGS, includeSubCustomers: true };
    const sparse = {
      customers: stored('customers', { name: 'Walk-in' }, { id: 'cus_walkin000001' }),
      vendors: stored('vendors', { name: 'Cash vendor' }),
      products: stored('products', { sku: 'x1', description: 'Part', price: 0 }),
      services: stored('services', { sku: 's1', description: 'Call-out', price: 95 }),
      'work-orders': stored('work-orders', {
        customerId: 'cus_k3j9x2m4q8w1',
        description: 'Look',
        date: '2025-01-31',
      }),
    };
    for (const entity of TWO_WAY) {
      const record = sparse[entity] as RecordTypes[typeof entity];
      const pulled = roundTrip(entity, record, settings);
      assert.equal(pulledHash(entity, pulled.fields, settings), pulledHash(entity, record, settings), entity);
    }
  });

  it('tells a real change in Acumatica from an echo', () => {
    const settings = { ...SETTINGS, includeSubCustomers: true };
    const record = records['work-orders'];
    const body = MAPPERS['work-orders'].push?.(record, pushContext()) ?? {};
    const echo = acumaticaEcho('ServiceOrder', body);
    (echo.Details as AcumaticaBody[])[0]!.EstimatedQty = { value: 4 };
    const pulled = MAPPERS['work-orders'].pull?.(echo, pullContext(settings));
    assert.ok(pulled?.kind === 'record');
    assert.notEqual(
      pulledHash('work-orders', pulled.fields, settings),
      pulledHash('work-orders', record, settings),
    );
    assert.deepEqual(Object.keys(pulledChanges('work-orders', record, pulled.fields, settings).set), [
      'lines',
    ]);
  });
});
