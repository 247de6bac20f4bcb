/**
 * "Sync now" and "Do Not Send" through the API with the real worker, Temporal, FerretDB and an in-process
 * emulator: the PUTs one invoice needs, the outcome read back, waiting behind a running run, and the 409s
 * that keep an exclusion from being overridden.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { temporalHolderCheck } from '../../../runtime/run-lock-holders';
import { putCount } from '../../helpers/inspect';
import { bearer, suffix, waitFor } from './helpers';
import { startApiWithWorkers, type ApiWithWorkers } from './with-workers';

let stack: ApiWithWorkers;
before(async () => {
  stack = await startApiWithWorkers();
});
after(async () => {
  await stack?.close();
});

const inject = (opts: InjectOptions) => stack.env.app.inject(opts);

interface Outcome {
  id: string;
  status: string;
  externalId?: string;
  message?: string;
}
interface Detail {
  status: string;
  state: { status: string; waitingBehind: string | null; records: Outcome[] } | null;
}

async function syncNow(account: { id: string; key: string }, type: string, ids: string[]) {
  const res = await inject({
    method: 'POST',
    url: `/accounts/${account.id}/records/${type}/sync`,
    headers: bearer(account.key),
    payload: { ids },
  });
  return res;
}

async function waitDone(account: { id: string; key: string }, syncId: string): Promise<Detail> {
  return waitFor(
    `sync now ${syncId} to close`,
    async () => {
      const res = await inject({
        method: 'GET',
        url: `/accounts/${account.id}/sync-now/${encodeURIComponent(syncId)}`,
        headers: bearer(account.key),
      });
      assert.equal(res.statusCode, 200, res.body);
      const detail = res.json<Detail>();
      return detail.status === 'running' ? undefined : detail;
    },
    120_000,
  );
}

async function create(account: { id: string; key: string }, type: string, payload: Record<string, unknown>) {
  const res = await inject({
    method: 'POST',
    url: `/accounts/${account.id}/records/${type}`,
    headers: bearer(account.key),
    payload,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json<{ id: string }>().id;
}

describe('sync now', () => {
  it('one marked invoice whose customer is new: exactly the PUTs it needs, each outcome readable', async () => {
    const account = await stack.newAccount({ entityTypes: ['customers', 'products', 'invoices'] });
    const productId = await create(account, 'products', {
      sku: `PUMP-${suffix().slice(0, 4).toUpperCase()}`,
      description: 'Pump',
      price: 120,
    });
    const first = await syncNow(account, 'products', [productId]);
    assert.equal(first.statusCode, 202, first.body);
    assert.equal((await waitDone(account, first.json().syncId)).state?.records[0]?.status, 'pushed');

    const customerId = await create(account, 'customers', {
      name: `Acme ${suffix()}`,
      billingAddress: { city: 'Austin', latitude: 30.26, longitude: -97.74 },
    });
    const invoiceId = await create(account, 'invoices', {
      customerId,
      invoiceDate: '2026-01-31',
      lines: [{ productId, quantity: 1, unitPrice: 120 }],
    });
    const marked = await inject({
      method: 'POST',
      url: `/accounts/${account.id}/records/invoices/${invoiceId}/export`,
      headers: bearer(account.key),
    });
    assert.equal(marked.json().externalId, 'Pending');

    stack.emulator.admin.resetCounters();
    const start = await syncNow(account, 'invoices', [invoiceId]);
    assert.equal(start.statusCode, 202, start.body);
    assert.equal(start.json().status, 'started');
    assert.match(start.json().syncId, new RegExp(`^sync-now/${account.id}/`));
    assert.match(start.json().temporalUiUrl, /workflows\/sync-now%2F/);
    const done = await waitDone(account, start.json().syncId);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.equal(done.state?.status, 'done');
    const [outcome] = done.state?.records ?? [];
    assert.equal(outcome?.id, invoiceId);
    assert.equal(outcome?.status, 'pushed', JSON.stringify(outcome));
    assert.ok(outcome?.externalId);

    const puts = Object.entries(stack.emulator.admin.counters()).filter(([k]) => k.startsWith('PUT '));
    assert.deepEqual(Object.fromEntries(puts), { 'PUT Customer': 1, 'PUT Invoice': 1 });
    assert.equal(
      putCount(stack.emulator, 'StockItem'),
      0,
      'the product already in Acumatica is not sent again',
    );

    const invoice = await inject({
      method: 'GET',
      url: `/accounts/${account.id}/records/invoices/${invoiceId}`,
      headers: bearer(account.key),
    });
    assert.equal(invoice.json().syncState, 'synced');
    assert.equal(invoice.json().externalId, outcome?.externalId);
    const customer = await inject({
      method: 'GET',
      url: `/accounts/${account.id}/records/customers/${customerId}`,
      headers: bearer(account.key),
    });
    assert.equal(customer.json().syncState, 'synced', 'the new customer went first');

    // Its summary is visible in the Temporal UI.
    const description = await stack.env.temporal.workflow.getHandle(start.json().workflowId).describe();
    assert.equal(description.type, 'syncRecords');
    assert.match((await description.staticSummary()) ?? '', /Sync now: 1 invoice of account/);
    await waitFor('the sync log to list it with its summary', async () => {
      const res = await inject({
        method: 'GET',
        url: `/accounts/${account.id}/sync-now`,
        headers: bearer(account.key),
      });
      assert.equal(res.statusCode, 200, res.body);
      const item = res
        .json<{ items: { syncId: string; summary: string | null; entity: string }[] }>()
        .items.find((i) => i.syncId === start.json().syncId);
      return item?.summary ? item : undefined;
    }).then((item) => {
      assert.equal(item.entity, 'invoices');
      assert.match(item.summary ?? '', /^done: 1 pushed/);
    });
  });

  it('waits behind a running run and says so, then goes once the run ends', async () => {
    const account = await stack.newAccount({ entityTypes: ['customers'] });
    const customerId = await create(account, 'customers', { name: `Waiting ${suffix()}` });
    // A run that never gets a worker holds the account's lock.
    const blocker = await stack.env.temporal.workflow.start('syncAccount', {
      taskQueue: `nobody-${suffix()}`,
      workflowId: `sync/${account.id}/blocker-${suffix()}`,
      args: [{ accountId: account.id, trigger: 'manual' }],
    });
    const locks = stack.env.store.runLocks;
    const taken = await locks.acquire(
      account.id,
      blocker.workflowId,
      temporalHolderCheck(stack.env.temporal),
    );
    assert.equal(taken.status, 'acquired');

    const before = stack.emulator.admin.counters()['PUT Customer'] ?? 0;
    const start = await syncNow(account, 'customers', [customerId]);
    assert.equal(start.statusCode, 202, start.body);
    assert.equal(start.json().status, 'waiting');
    assert.equal(start.json().waitingBehind, blocker.workflowId);
    const url = `/accounts/${account.id}/sync-now/${encodeURIComponent(start.json().syncId)}`;
    await waitFor('the live state to name the run it waits behind', async () => {
      const res = await inject({ method: 'GET', url, headers: bearer(account.key) });
      const detail = res.json<Detail>();
      return detail.state?.status === 'waiting' && detail.state.waitingBehind === blocker.workflowId
        ? true
        : undefined;
    });
    assert.equal(
      stack.emulator.admin.counters()['PUT Customer'] ?? 0,
      before,
      'nothing sent while the run holds the account',
    );

    await blocker.terminate('test: the run ends');
    const done = await waitDone(account, start.json().syncId);
    assert.equal(done.state?.records[0]?.status, 'pushed', JSON.stringify(done));
    assert.equal(await locks.get(account.id), null, 'the lock is free again');
  });

  it('Do Not Send: the column shows it, export and sync now answer 409 naming it, clearing it lets the record go', async () => {
    const account = await stack.newAccount({ entityTypes: ['customers'] });
    const customerId = await create(account, 'customers', { name: `Excluded ${suffix()}` });
    const recordUrl = `/accounts/${account.id}/records/customers/${customerId}`;
    const excluded = await inject({
      method: 'PUT',
      url: `${recordUrl}/do-not-send`,
      headers: bearer(account.key),
      payload: { reason: 'credit hold' },
    });
    assert.equal(excluded.statusCode, 200, excluded.body);
    assert.equal(excluded.json().externalId, 'Do Not Send');
    assert.equal(excluded.json().sync.doNotSend.reason, 'credit hold');

    for (const res of [
      await inject({ method: 'POST', url: `${recordUrl}/export`, headers: bearer(account.key) }),
      await inject({
        method: 'POST',
        url: `/accounts/${account.id}/records/customers/export`,
        headers: bearer(account.key),
        payload: { ids: [customerId] },
      }),
      await syncNow(account, 'customers', [customerId]),
    ]) {
      assert.equal(res.statusCode, 409, res.body);
      assert.equal(res.json().error.code, 'do_not_send');
      assert.match(res.json().error.message, /Do Not Send/);
      assert.deepEqual(res.json().error.details.ids, [customerId]);
    }
    const byFilter = await inject({
      method: 'POST',
      url: `/accounts/${account.id}/records/customers/export`,
      headers: bearer(account.key),
      payload: { all: true },
    });
    assert.equal(byFilter.json().marked, 0, 'marking all skips the excluded record');

    const cleared = await inject({
      method: 'DELETE',
      url: `${recordUrl}/do-not-send`,
      headers: bearer(account.key),
    });
    assert.equal(cleared.statusCode, 200, cleared.body);
    assert.equal(cleared.json().externalId, null);
    const start = await syncNow(account, 'customers', [customerId]);
    assert.equal(start.statusCode, 202, start.body);
    assert.equal((await waitDone(account, start.json().syncId)).state?.records[0]?.status, 'pushed');
  });

  it('refuses bad requests with clear 4xx', async () => {
    const account = await stack.newAccount();
    const missing = await syncNow(account, 'customers', ['cus_doesnotexist1']);
    assert.equal(missing.statusCode, 404, missing.body);
    assert.deepEqual(missing.json().error.details.ids, ['cus_doesnotexist1']);
    const empty = await syncNow(account, 'customers', []);
    assert.equal(empty.statusCode, 400, empty.body);
    const priceLists = await syncNow(account, 'price-lists', ['prl_abcdef12']);
    assert.equal(priceLists.statusCode, 404, priceLists.body);
    const other = await inject({
      method: 'GET',
      url: `/accounts/${account.id}/sync-now/${encodeURIComponent(`sync-now/${account.id}/nope`)}`,
      headers: bearer(account.key),
    });
    assert.equal(other.statusCode, 404, other.body);
  });
});
