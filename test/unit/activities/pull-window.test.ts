import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PULL_OVERLAP_MS, pullSince } from '../../../activities/store-activities';

const now = new Date('2025-06-30T12:00:00.000Z');
const days = 30;
const windowStart = '2025-05-31T12:00:00.000Z';

describe('pullSince', () => {
  test('master data is imported whole before its first completed pull and on a full run', () => {
    assert.equal(pullSince('customers', { full: false, now, watermark: null, days }), null);
    assert.equal(pullSince('price-lists', { full: false, now, watermark: null, days }), null);
    assert.equal(
      pullSince('vendors', { full: true, now, watermark: new Date('2025-06-30T11:00:00Z'), days }),
      null,
    );
  });

  test('after a completed pull the window starts at the watermark minus the overlap', () => {
    const watermark = new Date('2025-06-30T11:00:00.000Z');
    assert.equal(
      pullSince('customers', { full: false, now, watermark, days }),
      new Date(watermark.getTime() - PULL_OVERLAP_MS).toISOString(),
    );
  });

  test('never further back than lastModifiedSinceDays', () => {
    const old = new Date('2025-01-01T00:00:00.000Z');
    assert.equal(pullSince('customers', { full: false, now, watermark: old, days }), windowStart);
  });

  test('documents use the window on their first and on full runs', () => {
    assert.equal(pullSince('work-orders', { full: false, now, watermark: null, days }), windowStart);
    const watermark = new Date('2025-06-30T11:00:00.000Z');
    assert.equal(pullSince('work-orders', { full: true, now, watermark, days }), windowStart);
  });
});
