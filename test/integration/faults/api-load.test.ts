/**
 * Scenario 9: the HTTP API under a few thousand concurrent mixed requests while runs execute: no 5xx, no
 * lost "Export to Acumatica" marks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bearer, openApi, type FaultApi } from '../../faults/api';
import { allRecords, checkAccount } from '../../faults/checks';
import {
  createAccount,
  figures,
  report,
  runResult,
  SOAK,
  startRun,
  startWatchedEmulator,
  volume,
  waitFor,
  type WatchedEmulator,
} from '../../faults/scenario';
import { openFaultStack, type FaultStack } from '../../faults/stack';
import { workerProcess, type WorkerHandle } from '../../faults/worker';
import { customerInput } from '../../helpers/records';

describe('faults: the API under load', () => {
  let stack: FaultStack;
  let worker: WorkerHandle;
  let api: FaultApi;
  const emulators: WatchedEmulator[] = [];

  before(async () => {
    stack = await openFaultStack('api');
    worker = workerProcess(stack, { pageSize: 10 });
    await worker.start();
    api = await openApi(stack, worker);
  });
  after(async () => {
    await api?.close();
    await worker?.kill();
    for (const e of emulators) await e.close();
    await stack?.close();
  });

  const timeout = SOAK ? 3_600_000 : 600_000;

  test(
    'the API under a few thousand concurrent mixed requests while runs execute: no 5xx, no lost marks',
    { timeout },
    async () => {
      const emulator = await startWatchedEmulator();
      emulators.push(emulator);
      const account = await createAccount(stack.store, emulator.url, ['customers']);
      const headers = bearer(account.apiKey);
      const base = `/accounts/${account.id}`;
      const total = volume(2_000, 8_000);
      const clients = 25;
      const statuses = new Map<number, number>();
      const serverErrors: string[] = [];
      const created: string[] = [];
      const marked = new Set<string>();
      let sent = 0;
      let syncStarts = 0;

      const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
        const res = await api.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode >= 500)
          serverErrors.push(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        return res;
      };
      const pick = () => created[Math.floor(Math.random() * created.length)];
      // Mostly reads and marks, few creates: the last run must push what was marked.
      const one = async (i: number) => {
        const kind = i % 50;
        const id = pick();
        if (kind < 2 || !id) {
          const res = await call('POST', `${base}/records/customers`, customerInput());
          if (res.statusCode === 201) created.push(res.json<{ id: string }>().id);
        } else if (kind < 10) {
          const res = await call('POST', `${base}/records/customers/export`, { ids: [id] });
          if (res.statusCode < 300) marked.add(id);
        } else if (kind < 15) {
          await call('PATCH', `${base}/records/customers/${id}`, { name: `Edited ${i}` });
        } else if (kind < 30) {
          await call('GET', `${base}/records/customers?limit=20`);
        } else if (kind < 40) {
          await call('GET', `${base}/records/customers/${id}`);
        } else if (kind < 46) {
          await call('GET', `${base}/syncs?limit=5`);
        } else if (kind === 46) {
          syncStarts += 1;
          await call('POST', `${base}/syncs`, { full: false });
        } else {
          await call('GET', `${base}/notifications`);
        }
      };
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (sent < total) await one(sent++);
        }),
      );

      // Every mark is kept: a last run settles every marked record (synced or failed with a note).
      await waitFor(
        'no run in progress',
        async () => {
          for await (const info of stack.client.workflow.list({
            query: `FsacAccount = '${account.id}' AND ExecutionStatus = 'Running'`,
          })) {
            if (info) return undefined;
          }
          return true;
        },
        timeout / 2,
      );
      const final = await runResult(await startRun(stack.client, worker.taskQueue, account.id), timeout / 2);
      const records = await allRecords(stack.store, account.id, 'customers');
      const unsettled = records.filter(
        (r) => marked.has(r._id) && r.sync.state !== 'synced' && r.sync.state !== 'failed',
      );
      const tally = await checkAccount(stack.store, account.id, emulator.admin, ['customers']);
      tally.lost += unsettled.length;
      const result = figures(
        'api-under-load',
        tally,
        {
          requests: sent,
          concurrentClients: clients,
          syncStarts,
          marked: marked.size,
          created: created.length,
        },
        {
          statuses: Object.fromEntries(statuses),
          serverErrors: serverErrors.slice(0, 5),
          finalRun: final.totals,
        },
      );
      result.passed &&= serverErrors.length === 0;
      report(result);

      assert.deepEqual(serverErrors, [], 'no request answered with a 5xx');
      assert.ok(sent >= total, `${sent} requests sent`);
      assert.deepEqual(
        unsettled.map((r) => r._id),
        [],
        'every marked record ends synced or failed',
      );
      assert.equal(tally.duplicates, 0, tally.problems.join('\n'));
      assert.equal(tally.lost, 0, tally.problems.join('\n'));
    },
  );
});
