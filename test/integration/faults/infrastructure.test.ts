/**
 * Scenarios 2 and 3: the Temporal dev server (its SQLite file persists) and FerretDB are stopped and
 * started again in the middle of a run. The run must resume and complete; activities that met the outage
 * retry; nothing is lost or duplicated.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkAccount } from '../../faults/checks';
import {
  createAccount,
  DATASET_TYPES,
  figures,
  pendingAttempts,
  report,
  retryCounts,
  runResult,
  runWorkflowIds,
  seedDataset,
  SOAK,
  startRun,
  startWatchedEmulator,
  volume,
  waitFor,
  type WatchedEmulator,
} from '../../faults/scenario';
import { openFaultStack, type FaultStack } from '../../faults/stack';
import { workerProcess, type WorkerHandle } from '../../faults/worker';

describe('faults: infrastructure restarts mid-run', () => {
  let stack: FaultStack;
  let worker: WorkerHandle;
  const emulators: WatchedEmulator[] = [];

  before(async () => {
    stack = await openFaultStack('infra');
    worker = workerProcess(stack, { pageSize: 5 });
    await worker.start();
  });
  after(async () => {
    await worker?.kill();
    for (const e of emulators) await e.close();
    await stack?.close();
  });

  const timeout = SOAK ? 3_600_000 : 600_000;

  test('the Temporal server restarts mid-run: the run resumes and completes', { timeout }, async () => {
    const emulator = await startWatchedEmulator();
    emulators.push(emulator);
    const account = await createAccount(stack.store, emulator.url, DATASET_TYPES);
    const data = await seedDataset(stack.store, account.id, volume(10, 60));
    const restarts = volume(1, 3);
    const handle = await startRun(stack.client, worker.taskQueue, account.id);

    const restartedAt: number[] = [];
    for (let i = 1; i <= restarts; i++) {
      // Mid-run: after a share of the records went out.
      const target = Math.floor((data.total * i) / (restarts + 1));
      await waitFor(
        'push progress',
        () => ((emulator.admin.counters().PUT ?? 0) >= target ? true : undefined),
        300_000,
      );
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
    assert.equal(tally.duplicates, 0, tally.problems.join('\n'));
    assert.equal(tally.lost, 0, tally.problems.join('\n'));
    assert.equal(tally.orphans, 0, tally.problems.join('\n'));
  });

  test('FerretDB restarts mid-run: activities retry, nothing is lost', { timeout }, async () => {
    const emulator = await startWatchedEmulator();
    emulators.push(emulator);
    const account = await createAccount(stack.store, emulator.url, DATASET_TYPES);
    const data = await seedDataset(stack.store, account.id, volume(10, 60));
    const restarts = volume(1, 3);
    const handle = await startRun(stack.client, worker.taskQueue, account.id);
    const children = runWorkflowIds(handle, DATASET_TYPES).slice(1);

    const outages: { afterPuts: number; retriedDuringOutage: boolean }[] = [];
    for (let i = 1; i <= restarts; i++) {
      const target = Math.floor((data.total * i) / (restarts + 1));
      await waitFor(
        'push progress',
        () => ((emulator.admin.counters().PUT ?? 0) >= target ? true : undefined),
        300_000,
      );
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
    assert.equal(tally.duplicates, 0, tally.problems.join('\n'));
    assert.equal(tally.lost, 0, tally.problems.join('\n'));
    assert.equal(tally.orphans, 0, tally.problems.join('\n'));
  });
});
