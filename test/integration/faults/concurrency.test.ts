/**
 * Scenarios 6 and 7: people and schedules acting while a run is in progress. ERP users and field-service
 * users edit the same records during a run (afterwards both sides agree, a name changed on both sides going
 * to the later edit, and no edit is silently dropped); two runs are requested at once and the schedule fires
 * during a manual run (never two overlapping runs of one account).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunSummary } from '../../../core/runs';
import { bearer } from '../../faults/api';
import { allRecords, assertClean, checkAccount } from '../../faults/checks';
import {
  DATASET_TYPES,
  entityRoute,
  figures,
  report,
  runResult,
  seedDataset,
  volume,
  waitFor,
  workInterval,
} from '../../faults/scenario';
import { SCENARIO_TIMEOUT as timeout, useFaultSuite, waitForRequests } from '../../faults/suite';
import { createMarked, customerInput } from '../../helpers/records';

/** Waits until the clock has moved past `t`, so the next edit is strictly later than the previous one. */
const after1ms = (t: number) =>
  waitFor('the clock to move on', () => (Date.now() > t + 1 ? true : undefined), 1_000);

describe('faults: concurrent edits and overlapping runs', () => {
  const suite = useFaultSuite('concurrency', { worker: { pageSize: 5 }, api: true });

  test(
    'ERP and field-service users edit the same records during a run: both sides converge, last edit wins',
    { timeout },
    async () => {
      const { stack } = suite;
      const emulator = await suite.emulator();
      const account = await suite.account(emulator, ['customers']);
      const n = volume(12, 48);
      const ids: string[] = [];
      for (let i = 0; i < n; i++)
        ids.push((await createMarked(stack.store, account.id, 'customers', customerInput()))._id);
      const baseline = await suite.run(account.id, timeout);
      assert.equal(baseline.totals.pushed, n, 'baseline run pushed every customer');

      // Four groups: ERP only, field service only, ERP then field service, field service then ERP.
      const expected = new Map<string, { winner: 'erp' | 'fs'; name: string }>();
      const groups = ['erp', 'fs', 'erp-fs', 'fs-erp'] as const;
      const editErp = async (id: string, name: string) => {
        const record = (await stack.store.records.customers.get(account.id, id))!;
        const doc = emulator.admin
          .records('Customer')
          .find((r) => r.values.CustomerID === record.sync.externalId);
        if (!doc) throw new Error(`customer ${record.sync.externalId} is not in Acumatica`);
        emulator.admin.editRecord('Customer', doc.id, { CustomerName: name });
        return Date.now();
      };
      const editFs = async (id: string, name: string) => {
        await stack.store.records.customers.update(account.id, id, { name });
        await stack.store.records.customers.markForExport(account.id, { ids: [id] });
        return Date.now();
      };

      // Edits start once the run is under way.
      const handle = await suite.startRun(account.id);
      await waitForRequests(emulator, 'GET', 1, 'the run to reach Acumatica', 120_000);
      for (const [i, id] of ids.entries()) {
        const group = groups[i % groups.length]!;
        const erpName = `ERP edit ${i}`;
        const fsName = `Field edit ${i}`;
        if (group === 'erp') await editErp(id, erpName);
        if (group === 'fs') await editFs(id, fsName);
        if (group === 'erp-fs') {
          await after1ms(await editErp(id, erpName));
          await editFs(id, fsName);
        }
        if (group === 'fs-erp') {
          await after1ms(await editFs(id, fsName));
          await editErp(id, erpName);
        }
        expected.set(
          id,
          group === 'erp' || group === 'fs-erp'
            ? { winner: 'erp', name: erpName }
            : { winner: 'fs', name: fsName },
        );
      }
      const during = await runResult(handle, timeout);
      // A later run converges whatever the edits raced with.
      const later = await suite.run(account.id, timeout);

      const mismatches: string[] = [];
      for (const record of await allRecords(stack.store, account.id, 'customers')) {
        const want = expected.get(record._id);
        const doc = emulator.admin
          .records('Customer')
          .find((r) => r.values.CustomerID === record.sync.externalId);
        const erpName = doc?.values.CustomerName;
        if (!want) continue;
        if (record.name !== erpName)
          mismatches.push(`${record._id}: ours "${record.name}", Acumatica "${String(erpName)}"`);
        else if (record.name !== want.name)
          mismatches.push(
            `${record._id}: "${record.name}" but the later ${want.winner} edit was "${want.name}"`,
          );
        if (record.sync.state !== 'synced') mismatches.push(`${record._id}: still ${record.sync.state}`);
      }
      const tally = await checkAccount(stack.store, account.id, emulator.admin, ['customers']);
      tally.lost += mismatches.length;
      const result = figures(
        'concurrent-edits',
        tally,
        { records: n, edits: Object.fromEntries(groups.map((g) => [g, Math.ceil(n / groups.length)])) },
        { duringRun: during.totals, laterRun: later.totals, mismatches: mismatches.slice(0, 10) },
      );
      report(result);

      assert.deepEqual(mismatches, [], 'both sides agree on the last edit of every record');
      assertClean(tally, ['duplicates', 'orphans']);
    },
  );

  test(
    'an ERP edit landing between the pull and the push wins over an older field-service edit',
    { timeout },
    async () => {
      const { stack } = suite;
      const emulator = await suite.emulator();
      const account = await suite.account(emulator, ['customers']);
      const record = await createMarked(stack.store, account.id, 'customers', customerInput());
      await suite.run(account.id, timeout);
      const synced = (await stack.store.records.customers.get(account.id, record._id))!;
      const doc = emulator.admin
        .records('Customer')
        .find((r) => r.values.CustomerID === synced.sync.externalId)!;

      await stack.store.records.customers.update(account.id, record._id, { name: 'Field edit' });
      await stack.store.records.customers.markForExport(account.id, { ids: [record._id] });
      const fieldEditAt = Date.now();
      // The ERP user saves right after the run's pull read its page, before the push.
      let erpEdited = false;
      const stop = emulator.beforeSend(async (req) => {
        const route = entityRoute(req);
        if (
          erpEdited ||
          route?.method !== 'GET' ||
          route.entity !== 'Customer' ||
          req.url.includes('/Customer/')
        )
          return;
        await waitFor('the clock to move on', () => (Date.now() > fieldEditAt + 1 ? true : undefined), 1_000);
        emulator.admin.editRecord('Customer', doc.id, { CustomerName: 'ERP edit' });
        erpEdited = true;
      });
      const summary = await suite.run(account.id, timeout);
      stop();

      const ours = (await stack.store.records.customers.get(account.id, record._id))!;
      const theirs = emulator.admin.getRecord('Customer', doc.id)?.values.CustomerName;
      const tally = await checkAccount(stack.store, account.id, emulator.admin, ['customers']);
      const agree = ours.name === 'ERP edit' && theirs === 'ERP edit';
      if (!agree) tally.lost += 1;
      report(
        figures(
          'erp-edit-between-pull-and-push',
          tally,
          { fieldEdit: 'Field edit', erpEditAfterPullPage: erpEdited },
          {
            ours: ours.name,
            acumatica: theirs,
            state: ours.sync.state,
            notes: ours.notes.length,
            totals: summary.totals,
          },
        ),
      );

      assert.ok(erpEdited, 'the ERP edit landed during the run');
      assert.equal(theirs, 'ERP edit', 'the newer ERP edit is not overwritten in Acumatica');
      assert.equal(ours.name, 'ERP edit', 'our record takes the newer ERP edit');
      assert.equal(ours.sync.state, 'synced');
      assert.ok(
        ours.notes.some(
          (n) =>
            n.text ===
            `name was changed on both sides: here "Field edit", in Acumatica "ERP edit"; Acumatica's newer change was kept`,
        ),
        'a note names the field, both values and which change was kept',
      );
    },
  );

  test(
    'two runs requested at once and a schedule firing during a run never overlap',
    { timeout },
    async () => {
      const { stack, worker, api } = suite;
      const emulator = await suite.emulator();
      const account = await suite.account(emulator, DATASET_TYPES, { executionDelayMinutes: 15 });
      await seedDataset(stack.store, account.id, volume(6, 20));
      await api.schedules.upsert({
        accountId: account.id,
        executionDelayMinutes: 15,
        paused: false,
        taskQueue: worker.taskQueue,
      });
      const startSync = () =>
        api.app.inject({
          method: 'POST',
          url: `/accounts/${account.id}/syncs`,
          headers: bearer(account.apiKey),
          payload: { full: false },
        });

      const rounds = volume(2, 5);
      const answers: string[] = [];
      for (let round = 0; round < rounds; round++) {
        // Fresh work for every round, so each run takes a while.
        if (round > 0) await seedDataset(stack.store, account.id, volume(3, 10));
        const [a, b] = await Promise.all([startSync(), startSync()]);
        for (const res of [a, b]) assert.equal(res.statusCode, 202, res.body);
        const started = [a, b].map((r) => r.json<{ status: string; workflowId: string }>());
        answers.push(...started.map((s) => s.status));
        assert.deepEqual(
          started.map((s) => s.status).sort(),
          ['already-running', 'started'],
          'one of two simultaneous requests starts a run',
        );
        const running = started.find((s) => s.status === 'started')!;
        // The schedule fires while the manual run works.
        await waitForRequests(emulator, 'PUT', round + 1, 'the manual run to reach Acumatica', 120_000);
        await api.schedules.trigger(account.id);
        await runResult(stack.client.workflow.getHandle(running.workflowId), timeout);
      }
      // Last: a request and a schedule tick at the same moment.
      await seedDataset(stack.store, account.id, volume(3, 10));
      await Promise.all([startSync(), api.schedules.trigger(account.id)]);

      // Every run of the account, from visibility, once all are closed.
      const query = `WorkflowType = 'syncAccount' AND FsacAccount = '${account.id}'`;
      const runs = await waitFor(
        'every run of the account to close',
        async () => {
          const list = [];
          for await (const info of stack.client.workflow.list({ query })) list.push(info);
          const expectedRuns = rounds * 2 + 1;
          return list.length >= expectedRuns && list.every((r) => r.status.name !== 'RUNNING')
            ? list
            : undefined;
        },
        timeout - 120_000,
      );
      const intervals: { workflowId: string; outcome: string; from?: number; to?: number }[] = [];
      for (const run of runs) {
        const summary = (await stack.client.workflow
          .getHandle(run.workflowId, run.runId)
          .result()) as RunSummary;
        const interval = await workInterval(stack.client, run.workflowId, run.runId);
        intervals.push({ workflowId: run.workflowId, outcome: summary.outcome, ...(interval ?? {}) });
      }
      const worked = intervals.filter((i) => i.from !== undefined).sort((x, y) => x.from! - y.from!);
      const overlaps: string[] = [];
      for (let i = 1; i < worked.length; i++) {
        const [prev, cur] = [worked[i - 1]!, worked[i]!];
        if (cur.from! < prev.to!) overlaps.push(`${prev.workflowId} and ${cur.workflowId}`);
      }
      const skipped = intervals.filter((i) => i.outcome === 'skipped').length;
      const tally = await checkAccount(stack.store, account.id, emulator.admin, DATASET_TYPES);
      const result = figures(
        'overlapping-runs',
        tally,
        { manualRequests: rounds * 2 + 1, scheduleTriggers: rounds + 1 },
        { runs: runs.length, worked: worked.length, skipped, overlaps, answers },
      );
      result.passed &&= overlaps.length === 0;
      report(result);

      assert.deepEqual(overlaps, [], 'no two runs of the account worked at the same time');
      assert.ok(skipped >= rounds, `schedule ticks during a run were skipped (${skipped})`);
      assert.ok(worked.length >= rounds + 1, `runs did work (${worked.length})`);
      assertClean(tally, ['duplicates', 'lost']);
    },
  );
});
