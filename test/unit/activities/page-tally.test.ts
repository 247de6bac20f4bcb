import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PageTally } from '../../../activities/page-tally';
import { MAX_LISTED_FAILURES } from '../../../core/runs';

describe('PageTally', () => {
  test('counts stay exact while the failure list is capped', () => {
    const tally = new PageTally('invoices');
    for (let i = 0; i < MAX_LISTED_FAILURES + 5; i++) tally.fail(`inv_${i}`, '', 'rejected');
    const result = tally.result(null);
    assert.equal(result.counts.failed, MAX_LISTED_FAILURES + 5);
    assert.equal(result.failures.length, MAX_LISTED_FAILURES);
    assert.equal(result.failures[0]?.label, 'Invoice', 'an empty label falls back to the type label');
  });

  test('a resumed attempt continues the same tally', () => {
    const first = new PageTally('customers');
    first.count('pulled');
    first.missingGeo('cus_1');
    const resumed = new PageTally('customers', structuredClone(first.state()));
    resumed.count('pulled');
    const result = resumed.result('2');
    assert.equal(result.counts.pulled, 2);
    assert.deepEqual(result.missingGeo, ['cus_1']);
    assert.equal(result.cursor, '2');
  });

  test('skips count by reason; dependencies of other types count under their own type', () => {
    const tally = new PageTally('invoices');
    tally.count('pushed');
    tally.cascaded('customers', 'pushed');
    tally.cascaded('products', 'pushed');
    tally.fail('cus_2', 'Acme', 'rejected', 'customers');
    tally.fail('inv_2', 'INV-2', 'Not in Acumatica yet: Customer cus_2');
    const resumed = new PageTally('invoices', structuredClone(tally.state()));
    resumed.cascaded('products', 'pushed');
    resumed.cascaded('invoices', 'pushed');
    const result = resumed.result(null);
    assert.deepEqual([result.counts.pushed, result.counts.failed], [2, 1]);
    assert.deepEqual(result.cascade, {
      customers: { pushed: 1, pulled: 0, unchanged: 0, skipped: 0, failed: 1 },
      products: { pushed: 2, pulled: 0, unchanged: 0, skipped: 0, failed: 0 },
    });
    assert.deepEqual(
      result.failures.map((f) => f.entity),
      ['customers', 'invoices'],
    );

    const pull = new PageTally('customers');
    pull.skip('sub-customers-off');
    pull.skip('sub-customers-off');
    pull.count('pulled');
    assert.equal(pull.result(null).counts.skipped, 2);
    assert.deepEqual(pull.result(null).skippedBy, { 'sub-customers-off': 2 });
    assert.equal(pull.result(null).cascade, undefined);
  });
});
