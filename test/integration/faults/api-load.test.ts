/**
 * Scenario 9: the HTTP API under a few thousand concurrent mixed requests while runs execute: no 5xx, no
 * lost "Export to Acumatica" marks.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bearer } from '../../faults/api';
import { allRecords, assertClean, checkAccount } from '../../faults/checks';
import { figures, report, volume, waitForNoRun } from '../../faults/scenario';
import { SCENARIO_TIMEOUT as timeout, useFaultSuite } from '../../faults/suite';
import { customerInput } from '../../helpers/records';

describe('faults: the API under load', () => {
  const suite = useFaultSuite('api', { worker: { pageSize: 10 }, api: true });

  test(
    'the API under a few thousand concurrent mixed requests while runs execute: no 5xx, no lost marks',
    { timeout },
    async () => {
      const { stack, api } = suite;
      const emulator = await suite.emulator();
      const account = await suite.account(emulator, ['customers']);
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
      await waitForNoRun(stack.client, account.id, timeout / 2);
      const final = await suite.run(account.id, timeout / 2);
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
      assertClean(tally, ['duplicates', 'lost']);
    },
  );
});
