/**
 * Scenarios 4 and 5: Acumatica misbehaving. Faults at realistic rates during a run (latency, 5xx, 429
 * bursts, licence throttling, commit-then-drop, expired tokens, "Another process has updated" conflicts),
 * and bad data coming back from Acumatica (missing fields, wrong types, unknown enum labels, huge strings,
 * malformed JSON bodies).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertClean, checkAccount, emptyTally } from '../../faults/checks';
import {
  DATASET_TYPES,
  entityRoute,
  figures,
  report,
  retryCounts,
  runResult,
  runWorkflowIds,
  seedDataset,
  volume,
} from '../../faults/scenario';
import { SCENARIO_TIMEOUT as timeout, useFaultSuite } from '../../faults/suite';

describe('faults: Acumatica misbehaving', () => {
  const suite = useFaultSuite('acumatica', { worker: { pageSize: 5 } });

  test(
    'faults at realistic rates: the run completes without duplicates, retries show in history',
    { timeout },
    async () => {
      const { stack, worker } = suite;
      const emulator = await suite.emulator({
        limits: { maxRequestsPerMinute: 120, maxConcurrentRequests: 2 },
      });
      const account = await suite.account(emulator, DATASET_TYPES);
      const data = await seedDataset(stack.store, account.id, volume(10, 80));
      const faults = {
        seed: 11,
        latency: { ms: 5, jitterMs: 40 },
        serverErrors: { rate: 0.03, status: 503 },
        tooManyRequests: { next: 3, retryAfterSec: 1 },
        conflicts: { rate: 0.03 },
        commitThenDrop: { rate: 0.03, next: 1 },
      };
      emulator.admin.setFaults(faults);
      // Tokens expire every few writes, as a long run outlives them.
      let writes = 0;
      let expiries = 0;
      emulator.onResponse((req) => {
        if (entityRoute(req)?.method !== 'PUT') return;
        writes += 1;
        if (writes % 7 === 0) expiries += emulator.admin.expireTokens() > 0 ? 1 : 0;
      });

      const handle = await suite.startRun(account.id);
      const summary = await runResult(handle, timeout - 60_000);
      emulator.admin.setFaults({});
      const retries = await retryCounts(stack.client, runWorkflowIds(handle, DATASET_TYPES));
      const counters = emulator.admin.counters();
      const tally = await checkAccount(stack.store, account.id, emulator.admin, DATASET_TYPES);
      const result = figures(
        'acumatica-faults',
        tally,
        {
          markedRecords: data.total,
          faults,
          tokenExpiries: expiries,
          licence: { maxRequestsPerMinute: 120, maxConcurrentRequests: 2 },
        },
        {
          outcome: summary.outcome,
          totals: summary.totals,
          retries,
          requests: counters.total,
          delayed: counters.delayed,
          workerAlive: worker.running(),
        },
      );
      result.passed &&= summary.outcome === 'succeeded' && retries.retries > 0 && worker.running();
      report(result);

      assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary));
      assert.ok(worker.running(), 'the worker survives');
      assert.ok(retries.retries > 0, 'retries are visible in the workflow history');
      assertClean(tally);
    },
  );

  test(
    'bad data from Acumatica: affected records fail with a clear message, the run and worker survive',
    { timeout },
    async () => {
      const { stack, worker } = suite;
      const emulator = await suite.emulator({
        seed: { customers: volume(12, 60), stockItems: volume(6, 30), seed: 5 },
      });
      const account = await suite.account(emulator, ['customers', 'products']);
      const customers = emulator.admin.records('Customer');
      const items = emulator.admin.records('StockItem');
      const key = (r: { values: Record<string, unknown> }, field: string) => String(r.values[field]);
      const pick = <T>(list: T[], i: number): T => {
        const item = list[i];
        if (!item) throw new Error(`the seed has fewer than ${i + 1} records`);
        return item;
      };

      // Through the admin API (as an ERP user would) and straight into the emulator's store (what no
      // validation would let through), one kind of bad data per record.
      const corrupted: { kind: string; entity: string; key: string; mustFail: boolean }[] = [];
      const huge = pick(customers, 0);
      emulator.admin.editRecord('Customer', huge.id, { CustomerName: 'X'.repeat(20_000) });
      corrupted.push({
        kind: 'huge string',
        entity: 'customers',
        key: key(huge, 'CustomerID'),
        mustFail: true,
      });
      const missing = pick(customers, 1);
      delete missing.values.CustomerName;
      corrupted.push({
        kind: 'missing field',
        entity: 'customers',
        key: key(missing, 'CustomerID'),
        mustFail: false,
      });
      const wrongType = pick(customers, 2);
      wrongType.values.CustomerName = 12345 as never;
      corrupted.push({
        kind: 'wrong type',
        entity: 'customers',
        key: key(wrongType, 'CustomerID'),
        mustFail: false,
      });
      const enumLabel = pick(customers, 3);
      enumLabel.values.Status = 'Teleported';
      corrupted.push({
        kind: 'unknown enum label',
        entity: 'customers',
        key: key(enumLabel, 'CustomerID'),
        mustFail: false,
      });
      const price = pick(items, 0);
      price.values.DefaultPrice = 'twelve' as never;
      corrupted.push({
        kind: 'wrong type',
        entity: 'products',
        key: key(price, 'InventoryID'),
        mustFail: false,
      });
      const longDescription = pick(items, 1);
      longDescription.values.Description = 'Y'.repeat(50_000);
      corrupted.push({
        kind: 'huge string',
        entity: 'products',
        key: key(longDescription, 'InventoryID'),
        mustFail: true,
      });
      // A third of the customer reads come back cut off.
      emulator.admin.setFaults({
        seed: 3,
        malformedJson: { rate: 0.35 },
        target: { entity: 'Customer', method: 'GET' },
      });

      const handle = await suite.startRun(account.id);
      const summary = await runResult(handle, timeout - 60_000);
      emulator.admin.setFaults({});
      const retries = await retryCounts(stack.client, runWorkflowIds(handle, ['customers', 'products']));

      const outcomes = [];
      for (const c of corrupted) {
        const failure = summary.failures.find(
          (f) =>
            f.entity === c.entity &&
            (f.recordId === c.key || f.label.includes(c.key) || f.message.includes(c.key)),
        );
        const stored = await stack.store.records[c.entity as 'customers'].findByExternalId(account.id, c.key);
        outcomes.push({
          ...c,
          outcome: failure ? 'failed' : stored ? 'applied' : 'missing',
          message: failure?.message.slice(0, 200),
        });
      }
      const everyOtherPulled = customers.length + items.length - corrupted.length;
      const workerAlive = worker.running();
      const unaccounted = outcomes.filter(
        (o) => o.outcome === 'missing' || (o.mustFail && o.outcome !== 'failed'),
      );
      const result = figures(
        'bad-acumatica-data',
        { ...emptyTally(), recordsChecked: corrupted.length },
        { corrupted: corrupted.map((c) => `${c.entity} ${c.key}: ${c.kind}`), malformedJsonRate: 0.35 },
        { outcome: summary.outcome, totals: summary.totals, outcomes, retries, workerAlive },
        unaccounted.length === 0 && workerAlive && summary.totals.pulled >= everyOtherPulled,
      );
      result.lost = unaccounted.length;
      report(result);

      assert.ok(workerAlive, 'the worker survives bad data');
      assert.ok(
        ['partial', 'succeeded'].includes(summary.outcome),
        `the run completes (${summary.outcome}: ${summary.message ?? ''})`,
      );
      assert.deepEqual(
        unaccounted,
        [],
        'every corrupted record failed with a message or was applied sanitized',
      );
      for (const o of outcomes.filter((x) => x.outcome === 'failed')) {
        assert.match(o.message ?? '', /could not be/i, `a clear message for ${o.key}`);
      }
      assert.ok(
        summary.totals.pulled >= everyOtherPulled,
        `the good records were pulled (${summary.totals.pulled} of ${everyOtherPulled})`,
      );
      assert.ok(retries.retries > 0, 'cut-off JSON bodies were retried');
    },
  );
});
