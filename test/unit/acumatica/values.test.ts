import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  unwrap,
  unwrapBoolean,
  unwrapDate,
  unwrapNumber,
  unwrapString,
  wrap,
  wrapFields,
} from '../../../acumatica/values';

describe('values', () => {
  it('treats {}, {value:null} and a missing field alike', () => {
    for (const field of [{}, { value: null }, undefined, null]) {
      assert.equal(unwrap(field), null);
      assert.equal(unwrapString(field), null);
      assert.equal(unwrapNumber(field), null);
      assert.equal(unwrapBoolean(field), null);
      assert.equal(unwrapDate(field), null);
    }
  });

  it('reads typed values and refuses wrong types', () => {
    assert.equal(unwrapString({ value: 'C000123' }), 'C000123');
    assert.equal(unwrapString({ value: 42 }), '42');
    assert.equal(unwrapString({ value: true }), null);
    assert.equal(unwrapNumber({ value: 12.5 }), 12.5);
    assert.equal(unwrapNumber({ value: '7' }), 7);
    assert.equal(unwrapNumber({ value: 'abc' }), null);
    assert.equal(unwrapNumber({ value: '' }), null);
    assert.equal(unwrapBoolean({ value: false }), false);
    assert.equal(unwrapBoolean({ value: 'false' }), null);
    assert.equal(unwrapString('bare'), null);
  });

  it('parses date-times with their offset as instants', () => {
    assert.equal(
      unwrapDate({ value: '2025-09-04T04:33:43.497+03:00' })?.toISOString(),
      '2025-09-04T01:33:43.497Z',
    );
    assert.equal(unwrapDate({ value: 'not a date' }), null);
  });

  it('wraps values and leaves undefined fields out of a PUT body', () => {
    assert.deepEqual(wrap('x'), { value: 'x' });
    assert.deepEqual(wrap(null), { value: null });
    assert.deepEqual(
      wrapFields({ CustomerID: 'C1', CreditLimit: 0, Active: false, Email: null, Phone: undefined }),
      {
        CustomerID: { value: 'C1' },
        CreditLimit: { value: 0 },
        Active: { value: false },
        Email: { value: null },
      },
    );
  });
});
