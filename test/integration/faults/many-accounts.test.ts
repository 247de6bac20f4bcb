/**
 * Scenario 8: many accounts syncing at once through one worker, each inside its own Acumatica licence,
 * data never crossing accounts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LicenceLimits } from '../../../emulator';
import { addTally, assertClean, checkAccount, emptyTally } from '../../faults/checks';
import {
  DATASET_TYPES,
  entityRoute,
  figures,
  report,
  runResult,
  seedDataset,
  volume,
} from '../../faults/scenario';
import { SCENARIO_TIMEOUT as timeout, useFaultSuite } from '../../faults/suite';

/** The most requests any 60-second window holds. */
function busiestMinute(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= 60_000) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe('faults: many accounts at once', () => {
  const suite = useFaultSuite('accounts', { worker: { pageSize: 10, maxConcurrentActivities: 16 } });

  test(
    '20+ accounts sync at once through one worker, each within its own licence, no data crossing',
    { timeout },
    async () => {
      const { stack } = suite;
      const accounts = volume(20, 40);
      const limits: Partial<LicenceLimits> = { maxRequestsPerMinute: 60, maxConcurrentRequests: 2 };
      const tenants = [];
      for (let i = 0; i < accounts; i++) {
        const emulator = await suite.emulator({
          limits,
          seed: { customers: 3, stockItems: 2, seed: 100 + i },
        });
        const times: number[] = [];
        emulator.onResponse((req) => {
          if (entityRoute(req)) times.push(Date.now());
        });
        const account = await suite.account(emulator, DATASET_TYPES);
        const data = await seedDataset(stack.store, account.id, volume(3, 8));
        tenants.push({ emulator, account, data, times });
      }
      const handles = await Promise.all(tenants.map((t) => suite.startRun(t.account.id)));
      const summaries = await Promise.all(handles.map((h) => runResult(h, timeout - 60_000)));

      let tally = emptyTally();
      const perAccount = [];
      for (const [i, t] of tenants.entries()) {
        // Orphans here would be another account's records pushed into this account's Acumatica.
        tally = addTally(
          tally,
          await checkAccount(stack.store, t.account.id, t.emulator.admin, DATASET_TYPES),
        );
        const counters = t.emulator.admin.counters();
        perAccount.push({
          outcome: summaries[i]!.outcome,
          requests: counters.total ?? 0,
          declined: counters.declined ?? 0,
          busiestMinute: busiestMinute(t.times),
        });
      }
      const overBudget = perAccount.filter(
        (p) => p.declined > 0 || p.busiestMinute > limits.maxRequestsPerMinute!,
      );
      const notSucceeded = perAccount.filter((p) => p.outcome !== 'succeeded');
      const result = figures(
        'many-accounts',
        tally,
        { accounts, licence: limits, recordsPerAccount: tenants[0]?.data.total },
        {
          overBudget: overBudget.length,
          notSucceeded: notSucceeded.length,
          busiestMinute: Math.max(...perAccount.map((p) => p.busiestMinute)),
        },
      );
      result.passed &&= overBudget.length === 0 && notSucceeded.length === 0;
      report(result);

      assert.deepEqual(notSucceeded, [], 'every account run succeeded');
      assert.deepEqual(overBudget, [], 'every account stayed within its own licence');
      assert.equal(tally.orphans, 0, `no record crossed accounts: ${tally.problems.join('\n')}`);
      assertClean(tally, ['duplicates', 'lost']);
    },
  );
});
