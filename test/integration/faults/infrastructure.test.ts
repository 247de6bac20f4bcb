/**
 * Scenarios 2 and 3: the Temporal dev server (its SQLite file persists) and FerretDB are stopped and
 * started again in the middle of a run. The run must resume and complete; activities that met the outage
 * retry; nothing is lost or duplicated.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertClean, checkAccount } from '../../faults/checks';
import {
  DATASET_TYPES,
  figures,
  pendingAttempts,
  report,
  retryCounts,
  runResult,
  runWorkflowIds,
  seedDataset,
  volume,
  waitFor,
} from '../../faults/scenario';
import { SCENARIO_TIMEOUT as timeout, useFaultSuite, waitForRequests } from '../../faults/suite';

describe('faults: infrastructure restarts mid-run', () => {
  const suite = useFaultSuite('infra', { worker: { pageSize: 5 } });

  test('the Temporal server restarts mid-run: the run resumes and completes', { timeout }, async () => {
    const { stack, worker } = suite;
    const emulator = await suite.emulator();
    const account = await suite.account(emulator, DATASET_TYPES);
    const data = await seedDataset(stack.store, account.id, volume(10, 60));
    const restarts = volume(1, 3);
    const handle = await suite.startRun(account.id);

    const restartedAt: number[] = [];
    for (let i = 1; i <= restarts; i++) {
      // Mid-run: after a share of the records went out.
      const target = Math.floor((data.total * i) / (restarts + 1));
      await waitForRequests(emulator, 'PUT', target, 'push progress', 300_000);
      restartedAt.push(emulator.admin.counters().PUT ?? 0);
      await stack.restartTemporal();
    }
    const summary = await runResult(handle, timeout - 60_000);
    const workerSurvived = worker.running();
    if (!workerSurvived) await worker.start();

    const tally = await checkAccount(stack.store, account.id, emulator.admin, DATASET_TYPES);
    const result = figures(
      'temporal-restart',
      tally,
      { markedRecords: data.total, temporalRestartsAfterPuts: restartedAt },
      { outcome: summary.outcome, totals: summary.totals, workerSurvived },
    );
    result.passed &&= summary.outcome === 'succeeded' && workerSurvived;
    report(result);

    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary.totals));
    assert.ok(workerSurvived, 'the worker process survives a Temporal restart');
    assertClean(tally);
  });

  test('FerretDB restarts mid-run: activities retry, nothing is lost', { timeout }, async () => {
    const { stack } = suite;
    const emulator = await suite.emulator();
    const account = await suite.account(emulator, DATASET_TYPES);
    const data = await seedDataset(stack.store, account.id, volume(10, 60));
    const restarts = volume(1, 3);
    const handle = await suite.startRun(account.id);
    const children = runWorkflowIds(handle, DATASET_TYPES).slice(1);

    const outages: { afterPuts: number; retriedDuringOutage: boolean }[] = [];
    for (let i = 1; i <= restarts; i++) {
      const target = Math.floor((data.total * i) / (restarts + 1));
      await waitForRequests(emulator, 'PUT', target, 'push progress', 300_000);
      const afterPuts = emulator.admin.counters().PUT ?? 0;
      let retriedDuringOutage = false;
      await stack.restartFerretDB(async () => {
        // Down until an activity has failed on it and is being retried (or a short deadline passes).
        retriedDuringOutage = await waitFor(
          'an activity retrying while MongoDB is down',
          async () => ((await pendingAttempts(stack.client, children)) > 1 ? true : undefined),
          60_000,
        ).catch(() => false);
      });
      outages.push({ afterPuts, retriedDuringOutage });
    }
    const summary = await runResult(handle, timeout - 60_000);
    const retries = await retryCounts(stack.client, runWorkflowIds(handle, DATASET_TYPES));

    const tally = await checkAccount(stack.store, account.id, emulator.admin, DATASET_TYPES);
    const result = figures(
      'ferretdb-restart',
      tally,
      { markedRecords: data.total, outages },
      { outcome: summary.outcome, totals: summary.totals, retries },
    );
    result.passed &&= summary.outcome === 'succeeded' && retries.retries > 0;
    report(result);

    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary.totals));
    assert.ok(retries.retries > 0, 'activities that met the outage were retried');
    assertClean(tally);
  });
});
