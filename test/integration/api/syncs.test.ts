/**
 * Sync runs through the API with the real worker, Temporal, FerretDB and an in-process emulator:
 * mark → run → External IDs, a failed record with its note and re-marking, the sync log (scheduled and
 * manual runs) and one run's history, one run for concurrent starts, cancellation, the connection check,
 * and secrets kept out of responses, logs and workflow histories.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import type { RunningEmulator } from '../../../emulator';
import { bearer, setupApiWithWorker, suffix, waitFor, type ApiTestEnv, type WorkerApiEnv } from './helpers';

const USER_PASSWORD = `Pw-${suffix()}-secret`;
const CLIENT_SECRET = `Cs-${suffix()}-secret`;

let stack: WorkerApiEnv;
let env: ApiTestEnv;
let emulator: RunningEmulator;

before(async () => {
  stack = await setupApiWithWorker({ password: USER_PASSWORD, clientSecret: CLIENT_SECRET });
  ({ env, emulator } = stack);
});

after(async () => {
  await stack?.close();
});

const inject = (opts: InjectOptions) => env.app.inject(opts);

// Only push-side master data and invoices: the tests stay small and fast.
const newAccount = () => stack.newAccount(['customers', 'products', 'services', 'invoices']);

const runUrl = (accountId: string, runId: string) =>
  `/accounts/${accountId}/syncs/${encodeURIComponent(runId)}`;

async function waitClosed(accountId: string, key: string, runId: string) {
  return waitFor(
    `run ${runId} to close`,
    async () => {
      const res = await inject({ method: 'GET', url: runUrl(accountId, runId), headers: bearer(key) });
      assert.equal(res.statusCode, 200, res.body);
      const run = res.json<{ status: string }>();
      return run.status === 'running' ? undefined : res.json<Record<string, unknown> & { status: string }>();
    },
    120_000,
  );
}

describe('sync runs through the API', () => {
  it('mark → run → External IDs visible; a failed record keeps its note and can be marked again', async () => {
    const { id, key } = await newAccount();
    const post = (type: string, payload: Record<string, unknown>) =>
      inject({ method: 'POST', url: `/accounts/${id}/records/${type}`, headers: bearer(key), payload });
    const customer = await post('customers', {
      name: 'Acme Field Services',
      billingAddress: { city: 'Austin', latitude: 30.26, longitude: -97.74 },
    });
    assert.equal(customer.statusCode, 201, customer.body);
    const product = await post('products', {
      sku: `PUMP-${suffix().slice(0, 4).toUpperCase()}`,
      description: 'Pump',
      price: 120,
    });
    assert.equal(product.statusCode, 201, product.body);
    const invoice = await post('invoices', {
      customerId: customer.json().id,
      invoiceDate: '2026-01-31',
      lines: [
        { sku: 'NO-SUCH-ITEM-42', description: 'An item Acumatica does not know', quantity: 1, unitPrice: 5 },
      ],
    });
    assert.equal(invoice.statusCode, 201, invoice.body);
    for (const type of ['customers', 'products', 'invoices']) {
      const marked = await inject({
        method: 'POST',
        url: `/accounts/${id}/records/${type}/export`,
        headers: bearer(key),
        payload: { all: true },
      });
      assert.equal(marked.json().marked, 1, type);
    }

    const start = await inject({
      method: 'POST',
      url: `/accounts/${id}/syncs`,
      headers: bearer(key),
      payload: {},
    });
    assert.equal(start.statusCode, 202, start.body);
    assert.equal(start.json().status, 'started');
    assert.match(start.json().temporalUiUrl, /\/namespaces\/default\/workflows\/sync%2F/);
    const run = await waitClosed(id, key, start.json().runId);
    assert.equal(run.status, 'completed', JSON.stringify(run));
    const result = run.result as { failures: { recordId: string; message: string }[] };
    assert.ok(
      result.failures.some((f) => f.recordId === invoice.json().id),
      JSON.stringify(result.failures),
    );

    const syncedCustomer = await inject({
      method: 'GET',
      url: `/accounts/${id}/records/customers/${customer.json().id}`,
      headers: bearer(key),
    });
    assert.equal(syncedCustomer.json().syncState, 'synced');
    assert.ok(
      syncedCustomer.json().externalId &&
        !['Pending', 'Sync Failed'].includes(syncedCustomer.json().externalId),
    );
    const syncedProduct = await inject({
      method: 'GET',
      url: `/accounts/${id}/records/products/${product.json().id}`,
      headers: bearer(key),
    });
    assert.equal(syncedProduct.json().externalId, product.json().sku);

    const failed = await inject({
      method: 'GET',
      url: `/accounts/${id}/records/invoices/${invoice.json().id}`,
      headers: bearer(key),
    });
    assert.equal(failed.json().syncState, 'failed');
    assert.equal(failed.json().externalId, 'Sync Failed');
    assert.ok(
      failed
        .json()
        .notes.some(
          (n: { author: string; text: string }) => n.author === 'sync' && /Sync failed/.test(n.text),
        ),
    );
    const failedList = await inject({
      method: 'GET',
      url: `/accounts/${id}/records/invoices?externalId=Sync%20Failed`,
      headers: bearer(key),
    });
    assert.equal(failedList.json().items.length, 1);

    const remark = await inject({
      method: 'POST',
      url: `/accounts/${id}/records/invoices/${invoice.json().id}/export`,
      headers: bearer(key),
    });
    assert.equal(remark.statusCode, 200);
    assert.equal(remark.json().externalId, 'Pending');

    const notifications = await inject({
      method: 'GET',
      url: `/accounts/${id}/notifications`,
      headers: bearer(key),
    });
    assert.equal(notifications.json().items.length, 1, notifications.body);
  });

  it('lists scheduled and manual runs in the sync log and returns the history of one', async () => {
    const { id, key } = await newAccount();
    const start = await inject({
      method: 'POST',
      url: `/accounts/${id}/syncs`,
      headers: bearer(key),
      payload: { full: true },
    });
    assert.equal(start.statusCode, 202, start.body);
    await waitClosed(id, key, start.json().runId);
    await env.schedules.trigger(id);

    const runs = await waitFor(
      'both runs in the sync log',
      async () => {
        const res = await inject({
          method: 'GET',
          url: `/accounts/${id}/syncs?status=completed`,
          headers: bearer(key),
        });
        assert.equal(res.statusCode, 200, res.body);
        const items = res.json<{ items: { trigger: string; runId: string; full: boolean }[] }>().items;
        return items.some((r) => r.trigger === 'schedule') && items.some((r) => r.trigger === 'manual')
          ? items
          : undefined;
      },
      120_000,
    );
    const manual = runs.find((r) => r.trigger === 'manual');
    assert.equal(manual?.full, true);
    assert.ok(runs.every((r) => r.runId.startsWith(`sync/${id}/`)));

    const history = await inject({
      method: 'GET',
      url: `${runUrl(id, start.json().runId)}/history`,
      headers: bearer(key),
    });
    assert.equal(history.statusCode, 200, history.body);
    const events = history.json<{
      events: { type: string; activity?: string; childWorkflowType?: string }[];
    }>().events;
    assert.equal(events[0]?.type, 'WorkflowExecutionStarted');
    assert.ok(events.some((e) => e.type === 'ActivityTaskCompleted' && e.activity === 'planRun'));
    assert.ok(events.some((e) => e.childWorkflowType === 'syncEntity'));
    assert.equal(events.at(-1)?.type, 'WorkflowExecutionCompleted');

    const other = await newAccount();
    const foreign = await inject({
      method: 'GET',
      url: runUrl(other.id, start.json().runId),
      headers: bearer(other.key),
    });
    assert.equal(foreign.statusCode, 404, 'a run of another account is not found');
    const missing = await inject({
      method: 'GET',
      url: runUrl(id, `sync/${id}/manual-nothing`),
      headers: bearer(key),
    });
    assert.equal(missing.statusCode, 404);
  });

  it('makes one run out of concurrent start requests, and cancels it', async (t) => {
    const { id, key } = await newAccount();
    await inject({
      method: 'POST',
      url: `/accounts/${id}/records/customers`,
      headers: bearer(key),
      payload: { name: 'Slow Co' },
    });
    await inject({
      method: 'POST',
      url: `/accounts/${id}/records/customers/export`,
      headers: bearer(key),
      payload: { all: true },
    });
    // Slow Acumatica: the run is still going when the other requests and the cancel arrive.
    emulator.admin.setFaults({ latency: { ms: 1500 } });
    t.after(() => {
      emulator.admin.setFaults({});
    });
    const starts = await Promise.all(
      Array.from({ length: 5 }, () =>
        inject({ method: 'POST', url: `/accounts/${id}/syncs`, headers: bearer(key), payload: {} }),
      ),
    );
    const bodies = starts.map((r) => {
      assert.equal(r.statusCode, 202, r.body);
      return r.json<{ runId: string; status: string }>();
    });
    assert.equal(bodies.filter((b) => b.status === 'started').length, 1, JSON.stringify(bodies));
    assert.equal(new Set(bodies.map((b) => b.runId)).size, 1, JSON.stringify(bodies));
    const runId = bodies[0]!.runId;

    const live = await inject({ method: 'GET', url: runUrl(id, runId), headers: bearer(key) });
    assert.equal(live.json().status, 'running');
    const cancel = await inject({
      method: 'POST',
      url: `${runUrl(id, runId)}/cancel`,
      headers: bearer(key),
    });
    assert.equal(cancel.statusCode, 202, cancel.body);
    const closed = await waitClosed(id, key, runId);
    assert.equal(
      (closed.result as { outcome?: string } | null)?.outcome ?? closed.status,
      'cancelled',
      JSON.stringify(closed),
    );
    const again = await inject({
      method: 'POST',
      url: `${runUrl(id, runId)}/cancel`,
      headers: bearer(key),
    });
    assert.equal(again.statusCode, 409);
  });

  it('checks the connection through the worker and keeps secrets out of responses, logs and histories', async () => {
    const { id, key } = await newAccount();
    const check = await inject({
      method: 'POST',
      url: `/accounts/${id}/connection/validate`,
      headers: bearer(key),
    });
    assert.equal(check.statusCode, 200, check.body);
    assert.equal(check.json().ok, true, check.body);
    assert.ok(check.json().checks.length > 0);

    const start = await inject({
      method: 'POST',
      url: `/accounts/${id}/syncs`,
      headers: bearer(key),
      payload: {},
    });
    const run = await waitClosed(id, key, start.json().runId);
    const responses = [check.body, start.body, JSON.stringify(run)];
    for (const url of [
      `/accounts/${id}`,
      `/accounts/${id}/syncs`,
      `${runUrl(id, start.json().runId)}/history`,
    ]) {
      responses.push((await inject({ method: 'GET', url, headers: bearer(key) })).body);
    }
    const histories: string[] = [];
    for await (const wf of env.temporal.workflow.list({ query: `FsacAccount = '${id}'` })) {
      histories.push(
        JSON.stringify(await env.temporal.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory()),
      );
    }
    assert.ok(histories.length >= 2, 'the check and the run are in Temporal');
    for (const text of [...responses, ...histories, env.logs()]) {
      assert.ok(!text.includes(USER_PASSWORD), 'the password leaked');
      assert.ok(!text.includes(CLIENT_SECRET), 'the client secret leaked');
      assert.ok(!text.includes(key), 'the API key leaked');
    }
  });
});
