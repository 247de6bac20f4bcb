import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatDateTime,
  parseDateTime,
  toPlain,
  unwrap,
  ValueConversionError,
  wrap,
} from '../../../emulator/values';

test('null values wrap to {} and others to {value}', () => {
  assert.deepEqual(wrap('String', null, '+00:00'), {});
  assert.deepEqual(wrap('Decimal', 4.5, '+00:00'), { value: 4.5 });
});

test('date-times render with the instance offset', () => {
  assert.equal(formatDateTime('2025-03-04T19:22:08.170Z', '-05:00'), '2025-03-04T14:22:08.170-05:00');
  assert.equal(wrap('DateTime', '2025-03-04T19:22:08.170Z', '+00:00').value, '2025-03-04T19:22:08.170+00:00');
});

test('incoming dates without offset are read in the instance offset', () => {
  assert.equal(parseDateTime('2024-06-15', '+03:00')?.toISOString(), '2024-06-14T21:00:00.000Z');
  assert.equal(
    parseDateTime('2022-01-23T00:00:00+03:00', '+00:00')?.toISOString(),
    '2022-01-22T21:00:00.000Z',
  );
});

test('conversion per wrapper type', () => {
  assert.equal(toPlain('Decimal', '10.25', '+00:00'), 10.25);
  assert.equal(toPlain('Int', 3, '+00:00'), 3);
  assert.equal(toPlain('Boolean', 'true', '+00:00'), true);
  assert.throws(() => toPlain('Int', 2.5, '+00:00'), ValueConversionError);
  assert.throws(() => toPlain('DateTime', 'yesterday', '+00:00'), ValueConversionError);
  assert.throws(() => toPlain('Guid', 'nope', '+00:00'), ValueConversionError);
});

test('unwrap treats {} as absent and {value:null} as null', () => {
  assert.deepEqual(unwrap({}), { present: false, value: undefined });
  assert.deepEqual(unwrap({ value: null }), { present: true, value: null });
  assert.deepEqual(unwrap('bare'), { present: false, value: undefined });
});
