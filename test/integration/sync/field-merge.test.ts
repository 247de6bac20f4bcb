/**
 * The field-level three-way merge on the real stack (docs/sync-rules.md, "Field-level merge"): a field
 * changed on one side flows to the other, a field changed on both sides goes to the later change with a
 * note naming it and both values, fields Acumatica does not hold (coordinates) survive a pull, and lines
 * added on each side are both kept.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SyncRecordsState } from '../../../core/targeted-sync';
import { nameEditedOnBothSides } from '../../helpers/conflicts';
import { erpClient } from '../../helpers/erp';
import { accountSnapshot } from '../../helpers/inspect';
import { createMarked, customerInput, reload, workOrderInput } from '../../helpers/records';
import { useSyncStack, type SyncEnv } from '../../helpers/sync-env';

describe('field-level merge', () => {
  const stack = useSyncStack('sync_field_merge');

  /** A customer created here (with coordinates) and pushed; returns its ids. */
  async function pushedCustomer(env: SyncEnv, overrides: Parameters<typeof customerInput>[0] = {}) {
    const created = await createMarked(env.store, env.account.id, 'customers', customerInput(overrides));
    const first = await env.runSync();
    assert.equal(first.outcome, 'succeeded', JSON.stringify(first.failures));
    const synced = await reload(env.store, env.account.id, 'customers', created._id);
    return { id: created._id, acuId: synced.sync.acumaticaId ?? '', created };
  }

  test('a pull takes the name and e-mail changed in Acumatica and keeps latitude/longitude', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers'] } });
    const { id, acuId, created } = await pushedCustomer(env);
    assert.ok(created.billingAddress?.latitude !== undefined);
    env.emulator.admin.editRecord('Customer', acuId, {
      CustomerName: 'Renamed in Acumatica',
      MainContact: { Email: 'renamed@example.com' },
    });
    env.emulator.admin.resetCounters();
    const summary = await env.runSync();
    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary.failures));
    assert.equal(summary.entities.customers?.counts.pulled, 1);

    const record = await reload(env.store, env.account.id, 'customers', id);
    assert.equal(record.name, 'Renamed in Acumatica');
    assert.equal(record.email, 'renamed@example.com');
    assert.deepEqual(record.billingAddress, created.billingAddress, 'street, city and coordinates kept');
    assert.equal(record.sync.state, 'synced');
    assert.equal(env.emulator.admin.counters()['PUT Customer'] ?? 0, 0, 'nothing of ours to send back');

    // A quiet re-run writes nothing on either side.
    const before = await accountSnapshot(env.db, env.account.id);
    env.emulator.admin.resetCounters();
    const quiet = await env.runSync();
    assert.deepEqual(quiet.totals, { ...quiet.totals, pushed: 0, pulled: 0, failed: 0 });
    assert.equal(env.emulator.admin.counters()['PUT Customer'] ?? 0, 0);
    assert.deepEqual(await accountSnapshot(env.db, env.account.id), before);
  });

  test('a field changed on each side: both changes survive on both sides', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers'] } });
    const { id, acuId } = await pushedCustomer(env, { name: 'Original' });
    await env.store.records.customers.update(env.account.id, id, { phone: '+1 555 0142' });
    await env.store.records.customers.markForExport(env.account.id, { ids: [id] });
    env.emulator.admin.editRecord('Customer', acuId, { CustomerName: 'Theirs' });

    const summary = await env.runSync();
    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary.failures));
    const record = await reload(env.store, env.account.id, 'customers', id);
    assert.equal(record.name, 'Theirs', "Acumatica's name is taken");
    assert.equal(record.phone, '+1 555 0142', 'our phone is kept');
    assert.equal(record.sync.state, 'synced');
    assert.ok(!record.notes.some((n) => /changed on both sides/.test(n.text)), 'no conflict');

    const erp = env.emulator.admin.getRecord('Customer', acuId);
    assert.equal(erp?.values.CustomerName, 'Theirs');
    assert.equal(erp?.linked.MainContact?.values.Phone1, '+1 555 0142', 'our phone reached Acumatica');
  });

  test('"sync now" (push first) merges an ERP edit before sending: both changes survive', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers'] } });
    const { id, acuId } = await pushedCustomer(env, { name: 'Original' });
    await env.store.records.customers.update(env.account.id, id, { phone: '+1 555 0177' });
    env.emulator.admin.editRecord('Customer', acuId, { CustomerName: 'Theirs' });
    env.emulator.admin.resetCounters();

    const state: SyncRecordsState = await env.runWorkers(() =>
      env.client.workflow.execute('syncRecords', {
        taskQueue: env.taskQueue,
        workflowId: `sync-now/${env.account.id}/${Date.now()}`,
        args: [{ accountId: env.account.id, entity: 'customers', ids: [id] }],
      }),
    );
    assert.deepEqual(
      state.records.map((r) => [r.id, r.status]),
      [[id, 'pushed']],
    );
    const record = await reload(env.store, env.account.id, 'customers', id);
    assert.equal(record.name, 'Theirs', "Acumatica's edit merged in before the push");
    assert.equal(record.phone, '+1 555 0177');
    assert.equal(record.sync.state, 'synced');
    const erp = env.emulator.admin.getRecord('Customer', acuId);
    assert.equal(erp?.values.CustomerName, 'Theirs', 'the PUT sent the merged record');
    assert.equal(erp?.linked.MainContact?.values.Phone1, '+1 555 0177');
    assert.equal(env.emulator.admin.counters()['PUT Customer'], 1);
  });

  /** The same field (name) changed on both sides at the given offsets (ms) from the first push. */
  async function sameFieldConflict(ours: number, theirs: number) {
    const outcome = await nameEditedOnBothSides(stack, ours, theirs);
    assert.equal(outcome.summary.outcome, 'succeeded', JSON.stringify(outcome.summary.failures));
    return outcome;
  }

  test("the same field changed on both sides: Acumatica's later change wins, with a note", async () => {
    const { record, erpName } = await sameFieldConflict(10_000, 20_000);
    assert.equal(record.name, 'Theirs');
    assert.equal(erpName, 'Theirs');
    assert.equal(record.sync.state, 'synced');
    assert.equal(
      record.notes.at(-1)?.text,
      `name was changed on both sides: here "Ours", in Acumatica "Theirs"; Acumatica's newer change was kept`,
    );
  });

  test('the same field changed on both sides: our later change wins and is pushed, with a note', async () => {
    const { record, erpName } = await sameFieldConflict(20_000, 10_000);
    assert.equal(record.name, 'Ours');
    assert.equal(erpName, 'Ours');
    assert.equal(record.sync.state, 'synced');
    assert.equal(
      record.notes.at(-1)?.text,
      `name was changed on both sides: here "Ours", in Acumatica "Theirs"; our newer change was kept and goes to Acumatica`,
    );
  });

  test('work-order lines added on each side are both kept, on both sides', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers', 'work-orders'] } });
    const { store, account, emulator } = env;
    const customer = await createMarked(store, account.id, 'customers', customerInput());
    const inspection = { description: 'Inspection', quantity: 1, unitPrice: 90 };
    const order = await createMarked(
      store,
      account.id,
      'work-orders',
      workOrderInput(customer._id, { lines: [inspection] }),
    );
    assert.equal((await env.runSync()).outcome, 'succeeded');
    const pushed = await reload(store, account.id, 'work-orders', order._id);
    const [type, number] = (pushed.sync.externalId ?? '').split('/');

    // Here: a call-out fee. In Acumatica: a parts line, added by an ERP user.
    const callOut = { description: 'Call-out fee', quantity: 1, unitPrice: 50 };
    await store.records['work-orders'].update(account.id, order._id, { lines: [inspection, callOut] });
    await store.records['work-orders'].markForExport(account.id, { ids: [order._id] });
    const erp = erpClient(emulator);
    try {
      await erp.put('ServiceOrder', {
        ServiceOrderType: { value: type },
        ServiceOrderNbr: { value: number },
        Details: [{ Description: { value: 'Parts' }, EstimatedQty: { value: 2 }, UnitPrice: { value: 30 } }],
      });
    } finally {
      await erp.close();
    }

    const summary = await env.runSync();
    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary.failures));
    const record = await reload(store, account.id, 'work-orders', order._id);
    assert.deepEqual(
      record.lines.map((l) => l.description),
      ['Inspection', 'Call-out fee', 'Parts'],
    );
    assert.equal(record.sync.state, 'synced');
    const rows = emulator.admin.records('ServiceOrder')[0]?.details.Details ?? [];
    assert.deepEqual(rows.map((r) => r.values.Description).sort(), ['Call-out fee', 'Inspection', 'Parts']);
  });
});
