import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildSummary,
  describeCounts,
  emptyCounts,
  failedCount,
  type EntityResult,
  type RunPlan,
} from '../../../core/runs';
import { summaryTitle } from '../../../store/notifications';

const plan = {
  accountId: 'acc_1',
  runId: 'run-1',
  trigger: 'manual',
  full: false,
  startedAt: '2025-03-04T10:00:00.000Z',
} as RunPlan;

const result = (entity: EntityResult['entity'], extra: Partial<EntityResult> = {}): EntityResult => ({
  entity,
  status: 'done',
  counts: emptyCounts(),
  failures: [],
  missingGeo: [],
  missingGeoCount: 0,
  pages: 1,
  ...extra,
});

describe('run summary', () => {
  test('entity types that failed outright are in the headline and the failed count', () => {
    const failed = ['customers', 'vendors', 'products'].map((e) =>
      result(e as EntityResult['entity'], { status: 'failed', error: 'invalid credentials', pages: 0 }),
    );
    const summary = buildSummary(plan, failed, '2025-03-04T10:00:05.000Z', false);
    assert.equal(summary.outcome, 'failed');
    assert.deepEqual(summary.failedEntityTypes, ['customers', 'vendors', 'products']);
    assert.equal(summaryTitle(summary), 'Sync failed: 0 pushed, 0 pulled, 0 failed, 3 entity types failed');
    assert.equal(failedCount(summary), 3);
  });

  test('cascaded dependencies count under their own type, including a type the run did not sync', () => {
    const invoices = result('invoices', {
      counts: { ...emptyCounts(), pushed: 2, failed: 1 },
      cascade: {
        customers: { ...emptyCounts(), pushed: 1, failed: 1 },
        products: { ...emptyCounts(), pushed: 3 },
      },
    });
    const customers = result('customers', {
      counts: { ...emptyCounts(), pulled: 5, skipped: 2, unchanged: 1 },
      skippedBy: { 'sub-customers-off': 2 },
    });
    const summary = buildSummary(plan, [customers, invoices], '2025-03-04T10:00:05.000Z', false);
    assert.deepEqual(summary.totals, { pushed: 6, pulled: 5, unchanged: 1, skipped: 2, failed: 2 });
    assert.deepEqual(summary.entities.customers?.counts, {
      pushed: 1,
      pulled: 5,
      unchanged: 1,
      skipped: 2,
      failed: 1,
    });
    assert.deepEqual(summary.entities.customers?.cascaded, { ...emptyCounts(), pushed: 1, failed: 1 });
    assert.equal(summary.entities.products?.counts.pushed, 3, 'products were not synced, yet pushed');
    assert.equal(summary.entities.products?.pages, 0);
    assert.deepEqual(summary.skippedBy, { 'sub-customers-off': 2 });
    assert.equal(summary.outcome, 'partial');
    assert.equal(
      describeCounts(summary, { unchanged: true }),
      '6 pushed, 5 pulled, 1 unchanged, 2 skipped, 2 failed',
    );
  });
});
