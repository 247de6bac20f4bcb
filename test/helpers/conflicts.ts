/**
 * A customer edited on both sides: pushed at a manual clock's start, then its name changed here ("Ours",
 * and marked for export) and in Acumatica ("Theirs") at the given offsets, then one run. For the tests of
 * how a same-field change on both sides is decided.
 */
import assert from 'node:assert/strict';
import { ManualClock } from './erp';
import { createMarked, customerInput, reload } from './records';
import type { SyncStack } from './sync-env';

/** Runs the scenario (its `env` is closed after the test by useSyncStack). Offsets are ms after the first push. */
export async function nameEditedOnBothSides(stack: SyncStack, ours: number, theirs: number) {
  const clock = new ManualClock();
  const env = await stack.setup({
    emulator: { now: clock.now },
    now: clock.now,
    settings: { entityTypes: ['customers'] },
  });
  const created = await createMarked(
    env.store,
    env.account.id,
    'customers',
    customerInput({ name: 'Original' }),
  );
  const first = await env.runSync();
  assert.equal(first.outcome, 'succeeded');
  const acuId = (await reload(env.store, env.account.id, 'customers', created._id)).sync.acumaticaId ?? '';
  const start = clock.now().getTime();
  const edits = [
    {
      at: ours,
      apply: async () => {
        await env.store.records.customers.update(env.account.id, created._id, { name: 'Ours' });
        await env.store.records.customers.markForExport(env.account.id, { ids: [created._id] });
      },
    },
    {
      at: theirs,
      apply: async () => {
        env.emulator.admin.editRecord('Customer', acuId, { CustomerName: 'Theirs' });
      },
    },
  ].sort((x, y) => x.at - y.at);
  for (const edit of edits) {
    clock.advance(start + edit.at - clock.now().getTime());
    await edit.apply();
  }
  const summary = await env.runSync();
  const record = await reload(env.store, env.account.id, 'customers', created._id);
  const erp = env.emulator.admin.getRecord('Customer', acuId);
  return { env, summary, record, erpName: erp?.values.CustomerName };
}
