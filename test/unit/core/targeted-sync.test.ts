import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emptyCounts } from '../../../core/runs';
import {
  compareTimeStamps,
  SYNC_NOW_TYPES,
  syncRecordsSummary,
  type SyncRecordsState,
} from '../../../core/targeted-sync';

describe('targeted sync helpers', () => {
  test('TimeStamps compare by value with every digit, beyond what a double holds', () => {
    // 2^53 < these: as numbers they are equal, as digits they are not.
    assert.equal(Number('638765123456789012'), Number('638765123456789013'));
    assert.ok(compareTimeStamps('638765123456789013', '638765123456789012') > 0);
    assert.ok(compareTimeStamps('638765123456789012', '638765123456789013') < 0);
    assert.equal(compareTimeStamps('638765123456789012', '638765123456789012'), 0);
    assert.ok(compareTimeStamps('1000', '999') > 0, 'more digits is later');
  });

  test('the one-line summary counts each outcome', () => {
    const state: SyncRecordsState = {
      accountId: 'acc_x',
      entity: 'invoices',
      status: 'done',
      waitingBehind: null,
      records: [
        { id: 'inv_1', name: '', status: 'pushed', externalId: 'INV/1' },
        { id: 'inv_2', name: '', status: 'failed', message: 'no' },
        { id: 'inv_3', name: '', status: 'excluded', message: 'Do Not Send' },
      ],
      pull: { counts: emptyCounts(), failures: [] },
      startedAt: null,
      finishedAt: null,
      error: null,
    };
    assert.equal(
      syncRecordsSummary(state),
      'done: 1 pushed, 0 unchanged, 0 pulled, 1 failed, 1 skipped (3 invoices)',
    );
  });

  test('sync now takes every type but the price-list inquiry', () => {
    assert.ok(!SYNC_NOW_TYPES.includes('price-lists'));
    assert.ok(SYNC_NOW_TYPES.includes('invoices') && SYNC_NOW_TYPES.includes('projects'));
  });
});
