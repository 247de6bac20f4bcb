/**
 * The `syncRecords` workflow ("sync now") on the real stack, started directly: a pull-only type is read
 * back by key (and a record that never reached Acumatica is reported, not sent), and a record pushed by
 * "sync now" is created exactly once even when the first create's response is lost.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SyncRecordsState } from '../../../core/targeted-sync';
import { useSyncStack } from '../../helpers/sync-env';
import { byExternalRef } from '../../helpers/inspect';
import { createMarked, customerInput, invoiceInput, productInput, reload } from '../../helpers/records';

describe('sync records', () => {
  const stack = useSyncStack('sync_records');

  test('a pull-only type is read back by key; its outcome names each record', async () => {
    const env = await stack.setup({
      settings: { entityTypes: ['customers', 'projects'] },
      emulator: { seed: { customers: 6, projects: 3, seed: 11 } },
    });
    const { store, account, emulator } = env;
    await env.runWorkers(async () => {
      const imported = await (await env.startSync()).result();
      assert.ok((imported.entities.projects?.counts.pulled ?? 0) > 0, JSON.stringify(imported));
      const [project] = (await store.records.projects.list(account.id, { limit: 1 })).items;
      assert.ok(project?.sync.acumaticaId);
      emulator.admin.editRecord('Project', project.sync.acumaticaId, {
        Description: 'Renamed in Acumatica',
      });
      emulator.admin.resetCounters();

      const state: SyncRecordsState = await env.client.workflow.execute('syncRecords', {
        taskQueue: env.taskQueue,
        workflowId: `sync-now/${account.id}/${Date.now()}`,
        args: [{ accountId: account.id, entity: 'projects', ids: [project._id, 'prj_notthere1'] }],
      });
      assert.equal(state.status, 'done', JSON.stringify(state));
      assert.deepEqual(
        state.records.map((r) => [r.id, r.status]),
        [
          [project._id, 'pulled'],
          ['prj_notthere1', 'not-found'],
        ],
      );
      assert.equal(state.pull?.counts.pulled, 1);
      assert.equal((await reload(store, account.id, 'projects', project._id)).name, 'Renamed in Acumatica');
      assert.equal(emulator.admin.counters().PUT ?? 0, 0, 'a pull-only type is never written');
    });
  });

  test('an invoice whose create answer is lost is created once', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers', 'products', 'invoices'] } });
    const { store, account, emulator } = env;
    const customer = await createMarked(store, account.id, 'customers', customerInput());
    const product = await createMarked(store, account.id, 'products', productInput());
    const invoice = await store.records.invoices.create(account.id, invoiceInput(customer._id, product._id));
    emulator.admin.setFaults({ commitThenDrop: { next: 1 }, target: { entity: 'Invoice', method: 'PUT' } });
    await env.runWorkers(async () => {
      const state: SyncRecordsState = await env.client.workflow.execute('syncRecords', {
        taskQueue: env.taskQueue,
        workflowId: `sync-now/${account.id}/${Date.now()}`,
        args: [{ accountId: account.id, entity: 'invoices', ids: [invoice._id] }],
      });
      assert.equal(state.records[0]?.status, 'pushed', JSON.stringify(state));
    });
    assert.equal(byExternalRef(emulator, 'Invoice', 'CustomerOrder', invoice.externalRef).length, 1);
    const synced = await reload(store, account.id, 'invoices', invoice._id);
    assert.equal(synced.sync.state, 'synced');
    assert.equal((await reload(store, account.id, 'customers', customer._id)).sync.state, 'synced');
  });
});
