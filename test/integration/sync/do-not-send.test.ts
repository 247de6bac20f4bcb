import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { externalIdDisplay } from '../../../core/records';
import { useSyncStack } from '../../helpers/sync-env';
import { createMarked, customerInput, invoiceInput, productInput, reload } from '../../helpers/records';
import { putCount } from '../../helpers/inspect';

describe('do not send', () => {
  const stack = useSyncStack('sync_do_not_send');

  test('an excluded record is skipped by marked and full runs until cleared, and never marked for export', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers'] } });
    const { store, account, emulator } = env;
    const repo = store.records.customers;
    const excluded = await createMarked(store, account.id, 'customers', customerInput());
    const other = await createMarked(store, account.id, 'customers', customerInput());
    assert.ok(await repo.setDoNotSend(account.id, excluded._id, { reason: 'disputed account' }));

    const shown = await reload(store, account.id, 'customers', excluded._id);
    assert.equal(externalIdDisplay(shown.sync), 'Do Not Send');
    assert.equal(shown.sync.doNotSend?.reason, 'disputed account');
    const listed = await repo.list(account.id, { externalId: 'Do Not Send' });
    assert.deepEqual(
      listed.items.map((r) => r._id),
      [excluded._id],
    );
    const pendingList = await repo.list(account.id, { externalId: 'Pending' });
    assert.deepEqual(
      pendingList.items.map((r) => r._id),
      [other._id],
      'the Pending filter shows what the column shows',
    );

    const incremental = await env.runSync();
    assert.equal(incremental.entities.customers?.counts.pushed, 1, JSON.stringify(incremental));
    const full = await env.runSync({ full: true });
    assert.equal(full.outcome, 'succeeded', JSON.stringify(full));
    assert.equal(emulator.admin.records('Customer').length, 1, 'only the other customer reached Acumatica');
    const after = await reload(store, account.id, 'customers', excluded._id);
    assert.equal(after.sync.externalId, undefined);
    assert.equal(after.sync.state, 'pending', 'its own state is kept for when the exclusion is cleared');

    // Marking does not override the exclusion.
    await repo.markForExport(account.id, { filter: {} });
    assert.ok((await reload(store, account.id, 'customers', excluded._id)).sync.doNotSend);

    assert.ok(await repo.clearDoNotSend(account.id, excluded._id));
    const cleared = await env.runSync();
    assert.equal(cleared.entities.customers?.counts.pushed, 1, JSON.stringify(cleared));
    const synced = await reload(store, account.id, 'customers', excluded._id);
    assert.equal(synced.sync.state, 'synced');
    assert.equal(externalIdDisplay(synced.sync), synced.sync.externalId);
    assert.equal(emulator.admin.records('Customer').length, 2);
  });

  test('a dependency marked Do Not Send that is not in Acumatica fails the document with a note naming the exclusion', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers', 'products', 'invoices'] } });
    const { store, account, emulator } = env;
    const customer = await store.records.customers.create(account.id, customerInput());
    await store.records.customers.setDoNotSend(account.id, customer._id);
    const product = await createMarked(store, account.id, 'products', productInput());
    const invoice = await createMarked(
      store,
      account.id,
      'invoices',
      invoiceInput(customer._id, product._id),
    );
    emulator.admin.resetCounters();
    const summary = await env.runSync();
    assert.equal(summary.entities.invoices?.counts.failed, 1, JSON.stringify(summary));
    const failed = await reload(store, account.id, 'invoices', invoice._id);
    assert.equal(failed.sync.state, 'failed');
    assert.match(failed.notes.at(-1)?.text ?? '', /Do Not Send/);
    assert.equal(putCount(emulator, 'Customer'), 0, 'the excluded customer was not cascaded');
    assert.equal(putCount(emulator, 'Invoice'), 0);
  });

  test('pulls still update an excluded record', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers'] } });
    const { store, account, emulator } = env;
    const customer = await createMarked(store, account.id, 'customers', customerInput());
    await env.runSync();
    const synced = await reload(store, account.id, 'customers', customer._id);
    assert.ok(synced.sync.acumaticaId);
    await store.records.customers.setDoNotSend(account.id, customer._id);

    emulator.admin.editRecord('Customer', synced.sync.acumaticaId, {
      CustomerName: 'Renamed In Acumatica',
    });
    const summary = await env.runSync();
    assert.equal(summary.entities.customers?.counts.pulled, 1, JSON.stringify(summary));
    const pulled = await reload(store, account.id, 'customers', customer._id);
    assert.equal(pulled.name, 'Renamed In Acumatica');
    assert.ok(pulled.sync.doNotSend, 'the pull keeps the exclusion');
    assert.equal(externalIdDisplay(pulled.sync), 'Do Not Send');
  });
});
