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
});
