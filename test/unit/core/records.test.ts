import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENTITY_TYPES } from '../../../core/entities';
import {
  RECORD_SPECS,
  externalIdDisplay,
  hasValidCoordinates,
  isPushable,
  customerCreateInput,
  customerUpdateInput,
  invoiceCreateInput,
  workOrderCreateInput,
} from '../../../core/records';
import { parseOrThrow, ValidationError } from '../../../core/validation';
import { samplePatch, validInput } from '../../integration/store/fixtures';

const refs = {
  customerId: 'cus_abcdefgh1234',
  vendorId: 'ven_abcdefgh1234',
  productId: 'prd_abcdefgh1234',
  serviceId: 'svc_abcdefgh1234',
};

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    return error.issues.map((i) => i.message);
  }
  assert.fail('expected a ValidationError');
}

describe('record schemas', () => {
  it('accept a valid input and a sample patch for every entity type', () => {
    for (const type of ENTITY_TYPES) {
      const spec = RECORD_SPECS[type];
      assert.doesNotThrow(() => parseOrThrow(spec.createInput, validInput(type, refs)), type);
      assert.doesNotThrow(() => parseOrThrow(spec.updateInput, samplePatch(type)), type);
    }
  });

  it('give every type a distinct id prefix and ref code', () => {
    const prefixes = ENTITY_TYPES.map((t) => RECORD_SPECS[t].idPrefix);
    const codes = ENTITY_TYPES.map((t) => RECORD_SPECS[t].refCode);
    assert.equal(new Set(prefixes).size, ENTITY_TYPES.length);
    assert.equal(new Set(codes).size, ENTITY_TYPES.length);
  });

  it('fill defaults on create and normalise the country code', () => {
    const customer = parseOrThrow(customerCreateInput, { name: 'Bob', billingAddress: { country: 'us' } });
    assert.equal(customer.type, 'BUSINESS');
    assert.equal(customer.status, 'ACTIVE');
    assert.deepEqual(customer.contacts, []);
    assert.equal(customer.billingAddress?.country, 'US');
  });

  it('never inject defaults into an update, and allow null to clear optional fields only', () => {
    assert.deepEqual(parseOrThrow(customerUpdateInput, { email: null }), { email: null });
    assert.deepEqual(parseOrThrow(customerUpdateInput, {}), {});
    assert.deepEqual(
      issuesOf(() => parseOrThrow(customerUpdateInput, { name: null })),
      ['name must be a string'],
    );
  });

  it('name every bad field: unknown keys, line rules, date order, coordinates', () => {
    const messages = issuesOf(() =>
      parseOrThrow(invoiceCreateInput, {
        customerId: 'cus_abcdefgh1234',
        invoiceDate: '2024-05-10',
        dueDate: '2024-05-01',
        lines: [{ productId: 'prd_abcdefgh1234', serviceId: 'svc_abcdefgh1234', quantity: 0, unitPrice: -1 }],
        colour: 'red',
      }),
    );
    assert.deepEqual(messages.sort(), [
      'colour is not a known field',
      'dueDate must not be before invoiceDate',
      'lines.0.quantity must be greater than 0',
      'lines.0.serviceId must not be set together with productId',
      'lines.0.unitPrice must be at least 0',
    ]);
    assert.deepEqual(
      issuesOf(() => parseOrThrow(customerCreateInput, { name: 'x', billingAddress: { latitude: 10 } })),
      ['billingAddress.latitude must be given together with longitude'],
    );
    assert.deepEqual(
      issuesOf(() =>
        parseOrThrow(workOrderCreateInput, { customerId: 'nope', description: 'd', date: '2024-13-01' }),
      ),
      [
        'customerId must be a record id such as cus_k3j9x2m4q8w1',
        'date must be a date in the form YYYY-MM-DD',
      ],
    );
  });

  it('requires an invoice to have lines', () => {
    assert.deepEqual(
      issuesOf(() =>
        parseOrThrow(invoiceCreateInput, {
          customerId: 'cus_abcdefgh1234',
          invoiceDate: '2024-05-01',
          lines: [],
        }),
      ),
      ['lines must not be empty'],
    );
  });
});

describe('External ID column', () => {
  it('shows Pending, Sync Failed, or the Acumatica key', () => {
    assert.equal(externalIdDisplay({ state: 'pending', externalId: 'C0001' }), 'Pending');
    assert.equal(externalIdDisplay({ state: 'failed', externalId: 'C0001' }), 'Sync Failed');
    assert.equal(externalIdDisplay({ state: 'synced', externalId: 'SO/SO004512' }), 'SO/SO004512');
    assert.equal(externalIdDisplay({ state: 'none' }), null);
    const doNotSend = { at: new Date('2026-01-01T00:00:00Z') };
    assert.equal(externalIdDisplay({ state: 'pending', doNotSend }), 'Do Not Send');
    assert.equal(externalIdDisplay({ state: 'synced', externalId: 'C0001', doNotSend }), 'Do Not Send');
  });
});

describe('helpers', () => {
  it('flag missing or null-island coordinates', () => {
    assert.equal(hasValidCoordinates({ latitude: 39.7, longitude: -89.6 }), true);
    assert.equal(hasValidCoordinates({ latitude: 0, longitude: 0 }), false);
    assert.equal(hasValidCoordinates({ line1: 'x' }), false);
    assert.equal(hasValidCoordinates(undefined), false);
  });

  it('know which types can be exported', () => {
    assert.equal(isPushable('invoices'), true);
    assert.equal(isPushable('projects'), false);
    assert.equal(isPushable('price-lists'), false);
  });
});
