import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { ConnectionCheck } from '../../../activities/types';
import { RunLocks } from '../../../store/run-locks';
import { createMarked, customerInput, reload } from '../../helpers/records';
import { useSyncStack, workflowBundle } from '../../helpers/sync-env';
import { waitFor } from '../../helpers/wait';

async function countRuns(client: Client, query: string): Promise<number> {
  let n = 0;
  for await (const _ of client.workflow.list({ query })) n++;
  return n;
}

describe('runs', () => {
  const stack = useSyncStack('sync_runs');

  test('one failing entity type does not stop the others', async () => {
    const env = await stack.setup({
      emulator: { seed: { customers: 4, vendors: 3, seed: 2 } },
      settings: { entityTypes: ['customers', 'vendors'] },
    });
    env.emulator.admin.setFaults({ serverErrors: { rate: 1, status: 400 }, target: { entity: 'Vendor' } });
    const summary = await env.runSync();
    assert.equal(summary.outcome, 'partial');
    assert.equal(summary.entities.vendors?.status, 'failed');
    assert.match(summary.entities.vendors?.error ?? '', /HTTP 400/);
    assert.equal(summary.entities.customers?.status, 'done');
    assert.ok((await env.store.records.customers.count(env.account.id)) > 0);
  });

  test('wrong credentials end the run at once with one clear failure; the full-sync flag stays set', async () => {
    const env = await stack.setup({
      password: 'not-the-password',
      settings: { entityTypes: ['customers', 'vendors', 'invoices'], fullSyncOnNextRun: true },
    });
    const summary = await env.runSync();
    assert.equal(summary.outcome, 'failed');
    assert.match(summary.message ?? '', /^Run stopped: .*invalid_grant/);
    assert.equal(summary.entities.invoices, undefined, 'later phases do not run');
    assert.equal(summary.entities.customers?.errorType, 'AcumaticaAuth');
    // Non-retryable: one sign-in attempt per entity type of the first phase, no retry storm.
    assert.ok((env.emulator.admin.counters()['POST identity/token'] ?? 0) <= 2);
    const account = await env.store.accounts.get(env.account.id);
    assert.equal(account?.settings.fullSyncOnNextRun, true, 'a failed run does not clear the flag');
    assert.equal(await new RunLocks(env.db).get(env.account.id), null, 'the lock is released');
  });

  test('a full run requested by the flag clears it when it completes', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers'], fullSyncOnNextRun: true } });
    await env.store.records.customers.create(env.account.id, customerInput());
    const summary = await env.runSync();
    assert.equal(summary.full, true);
    assert.equal(summary.entities.customers?.counts.pushed, 1, 'a full run pushes unmarked records');
    assert.equal((await env.store.accounts.get(env.account.id))?.settings.fullSyncOnNextRun, false);
    const next = await env.runSync();
    assert.equal(next.full, false);
  });

  test('continue-as-new with a low threshold gives the same result', async () => {
    const seed = { customers: 14, seed: 11 };
    const normal = await stack.setup({
      emulator: { seed },
      pageSize: 3,
      settings: { entityTypes: ['customers'] },
    });
    const chopped = await stack.setup({
      emulator: { seed },
      pageSize: 3,
      continueAsNewAt: 8,
      settings: { entityTypes: ['customers'] },
    });
    const a = await normal.runSync();
    const handle = await chopped.runWorkers(async () => {
      const h = await chopped.startSync();
      await h.result();
      return h;
    });
    const b = await handle.result();
    assert.deepEqual(b.totals, a.totals);
    assert.equal(b.customersMissingGeo.count, a.customersMissingGeo.count);
    assert.equal(
      await chopped.store.records.customers.count(chopped.account.id),
      await normal.store.records.customers.count(normal.account.id),
    );
    const continued = await waitFor('a continued-as-new entity run', async () => {
      const n = await countRuns(
        stack.client,
        `WorkflowId = '${handle.workflowId}/customers' AND ExecutionStatus = 'ContinuedAsNew'`,
      );
      return n > 0 ? n : undefined;
    });
    assert.ok(continued >= 1);
  });

  test('entity runs report progress to the run at stage changes, not once per page', async () => {
    const env = await stack.setup({
      emulator: { seed: { customers: 12, seed: 5 } },
      pageSize: 2,
      settings: { entityTypes: ['customers'] },
    });
    for (let i = 0; i < 4; i++) await createMarked(env.store, env.account.id, 'customers', customerInput());
    const handle = await env.runWorkers(async () => {
      const h = await env.startSync();
      await h.result();
      return h;
    });
    const summary = await handle.result();
    assert.equal(summary.totals.pulled, 12);
    assert.equal(summary.totals.pushed, 4);
    const child = summary.entities.customers;
    // Pull pages of two, the empty last one, then push pages: well over the signals expected.
    assert.ok((child?.pages ?? 0) >= 8, `pages: ${child?.pages}`);
    const history = await handle.fetchHistory();
    const signals = (history.events ?? []).filter(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'entityProgress',
    ).length;
    // First page, pull to push, done; a page taking over ten seconds would add one, none does here.
    assert.ok(signals >= 2 && signals <= 4, `progress signals: ${signals} for ${child?.pages} pages`);
  });

  test('overlapping runs of one account: the second is skipped, a dead holder is taken over', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers'] } });
    const { store, account, emulator } = env;
    for (let i = 0; i < 4; i++) await createMarked(store, account.id, 'customers', customerInput());
    emulator.admin.setFaults({ latency: { ms: 400 } });
    const locks = new RunLocks(env.db);
    await env.runWorkers(async () => {
      const first = await env.startSync();
      await waitFor('the first run to hold the lock', async () =>
        (await locks.get(account.id))?.workflowId === first.workflowId ? true : undefined,
      );
      const second = await (await env.startSync()).result();
      assert.equal(second.outcome, 'skipped');
      assert.match(
        second.message ?? '',
        new RegExp(`another run \\(${first.workflowId.replace(/[/]/g, '\\/')}\\) is in progress`),
      );
      const done = await first.result();
      assert.equal(done.outcome, 'succeeded');
    });
    assert.equal(await locks.get(account.id), null, 'released after the run');

    // A holder Temporal never heard of, taken long ago: a crashed starter. The next run takes over.
    const anHourAgo = new RunLocks(env.db, { now: () => new Date(Date.now() - 3_600_000) });
    await anHourAgo.acquire(account.id, 'sync/ghost', () => Promise.resolve('closed'));
    assert.equal((await locks.get(account.id))?.workflowId, 'sync/ghost');
    emulator.admin.setFaults({});
    const after = await env.runSync();
    assert.equal(after.outcome, 'succeeded');
  });

  // Saved histories (older code, both sides of each patch) replay without a server in
  // test/unit/workflows/replay.test.ts; this replays the histories of a run made just now.
  test('the shipped workflows replay their own fresh histories', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers'] } });
    const customer = await createMarked(env.store, env.account.id, 'customers', customerInput());
    const handle = await env.runWorkers(async () => {
      const h = await env.startSync();
      await h.result();
      return h;
    });
    assert.equal((await reload(env.store, env.account.id, 'customers', customer._id)).sync.state, 'synced');
    const bundle = await workflowBundle();
    const histories = [
      { workflowId: handle.workflowId, history: await handle.fetchHistory() },
      {
        workflowId: `${handle.workflowId}/customers`,
        history: await stack.client.workflow.getHandle(`${handle.workflowId}/customers`).fetchHistory(),
      },
    ];
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
      assert.equal(result.error, undefined, `${result.workflowId}: ${String(result.error)}`);
    }
  });

  test('the connection check lists every step and never throws', async () => {
    const good = await stack.setup({
      settings: { entityTypes: ['customers', 'price-lists', 'work-orders'] },
    });
    const bad = await stack.setup({ password: 'wrong', settings: { entityTypes: ['customers'] } });
    const check = (env: typeof good) =>
      env.runWorkers(() =>
        env.client.workflow.execute('checkConnection', {
          taskQueue: env.taskQueue,
          workflowId: `check/${env.account.id}/${Date.now()}`,
          args: [{ accountId: env.account.id, taskQueue: env.acumaticaTaskQueue }],
        }),
      );
    const ok = (await check(good)) as ConnectionCheck[];
    assert.deepEqual(
      ok.map((c) => [c.name, c.ok]),
      [
        ['Connection settings', true],
        ['Sign in', true],
        ['REST version', true],
        ['Read customers', true],
        ['Read price lists', true],
        ['Read work orders', true],
        ['Sign out', true],
      ],
    );
    assert.equal(good.emulator.admin.sessions().length, 0, 'signed out: the seat is free');
    const failed = (await check(bad)) as ConnectionCheck[];
    const signIn = failed.find((c) => c.name === 'Sign in');
    assert.equal(signIn?.ok, false);
    assert.match(signIn?.detail ?? '', /invalid_grant/);
    assert.deepEqual(
      failed.map((c) => [c.name, c.ok]),
      [
        ['Connection settings', true],
        ['Sign in', false],
      ],
      'no reads and no sign-out after a failed sign-in',
    );
  });

  test('cookie sessions sync too and are signed out when the worker stops', async () => {
    const env = await stack.setup({ authMode: 'cookie', settings: { entityTypes: ['customers'] } });
    const customer = await createMarked(env.store, env.account.id, 'customers', customerInput());
    const summary = await env.runSync();
    assert.equal(summary.outcome, 'succeeded');
    assert.equal((await reload(env.store, env.account.id, 'customers', customer._id)).sync.state, 'synced');
    assert.ok(env.emulator.admin.sessions().length > 0, 'the session is reused between runs');
    const emulator = env.emulator;
    await env.close();
    // close() signed out before stopping the emulator; a fresh look at the seats is not possible after,
    // so check the emulator's login/logout counters instead.
    const counters = emulator.admin.counters();
    assert.equal(counters['POST auth/logout'], counters['POST auth/login']);
  });

  test('a cancelled run still finishes: summary stored, lock released, nothing half-written', async () => {
    const env = await stack.setup({ pageSize: 2, settings: { entityTypes: ['customers'] } });
    const { store, account, emulator } = env;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++)
      ids.push((await createMarked(store, account.id, 'customers', customerInput()))._id);
    emulator.admin.setFaults({ latency: { ms: 300 }, target: { method: 'PUT' } });
    const locks = new RunLocks(env.db);
    const summary = await env.runWorkers(async () => {
      const handle = await env.startSync();
      await waitFor('the run to take the lock', async () =>
        (await locks.get(account.id)) ? true : undefined,
      );
      await waitFor('a first push', () => (emulator.admin.records('Customer').length > 0 ? true : undefined));
      await handle.cancel();
      return handle.result();
    });
    assert.equal(summary.outcome, 'cancelled');
    assert.equal(await locks.get(account.id), null, 'the lock is released');
    const [notification] = (await store.notifications.list(account.id)).items;
    assert.equal(notification?.summary.outcome, 'cancelled');
    // Every record is either synced with its key, or still pending for the next run: never in between.
    const inErp = new Set(emulator.admin.records('Customer').map((c) => String(c.values.CustomerID)));
    for (const id of ids) {
      const r = await reload(store, account.id, 'customers', id);
      if (r.sync.state === 'synced')
        assert.ok(inErp.has(r.sync.externalId ?? ''), `${id} synced and in Acumatica`);
      else assert.equal(r.sync.state, 'pending');
    }
    const next = await env.runSync();
    assert.equal(next.outcome, 'succeeded');
    for (const id of ids)
      assert.equal((await reload(store, account.id, 'customers', id)).sync.state, 'synced');
    assert.equal(emulator.admin.records('Customer').length, ids.length);
  });

  test('an expired token mid-way signs in again; the run does not fail', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers'] } });
    await createMarked(env.store, env.account.id, 'customers', customerInput());
    assert.equal((await env.runSync()).outcome, 'succeeded');
    assert.ok(env.emulator.admin.expireTokens() > 0);
    await createMarked(env.store, env.account.id, 'customers', customerInput());
    const again = await env.runSync();
    assert.equal(again.outcome, 'succeeded');
    assert.equal(again.entities.customers?.counts.pushed, 1);
  });
});
