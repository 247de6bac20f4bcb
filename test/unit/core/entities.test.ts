import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyFieldsOf, keyOfRow } from '../../../core/entities';

describe('entity keys', () => {
  it('names the key fields of each kind of key', () => {
    assert.deepEqual(keyFieldsOf('customers'), ['CustomerID']);
    assert.deepEqual(keyFieldsOf('work-orders'), ['ServiceOrderType', 'ServiceOrderNbr']);
    assert.deepEqual(keyFieldsOf('projects'), ['ProjectID']);
  });

  it('reads the External ID of a row named by its key fields', () => {
    assert.equal(keyOfRow('customers', { CustomerID: ' C000123 ', CustomerName: 'Acme' }), 'C000123');
    assert.equal(
      keyOfRow('work-orders', { ServiceOrderType: 'MRO', ServiceOrderNbr: '000045' }),
      'MRO/000045',
    );
  });

  it('has no key when a key field is missing or blank', () => {
    assert.equal(keyOfRow('customers', { CustomerName: 'Acme' }), null);
    assert.equal(keyOfRow('work-orders', { ServiceOrderType: 'MRO', ServiceOrderNbr: '  ' }), null);
    assert.equal(keyOfRow('customers', { CustomerID: { value: 'C1' } }), null);
  });
});
