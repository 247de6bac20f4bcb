/**
 * The account's change workflow on the real stack, driven by signals as the receiver sends them: records
 * pulled by key through the ordinary pull rules, duplicates ignored across continue-as-new, keys Acumatica
 * no longer has deleting nothing, and a local edit newer than Acumatica's kept.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { ChangeNotification, ChangesState } from '../../../core/targeted-sync';
import { changeNotificationSignal, changesStateQuery } from '../../../workflows/definitions';
import { erpClient } from '../../helpers/erp';
import { useSyncStack, type SyncEnv } from '../../helpers/sync-env';
import { waitFor } from '../../helpers/wait';

describe('pull changes', () => {
  const stack = useSyncStack('sync_pull_changes');

  async function erpCustomer(env: SyncEnv, name: string): Promise<{ guid: string; key: string }> {
    const client = erpClient(env.emulator);
    try {
      const key = `C${randomUUID().slice(0, 8).toUpperCase()}`;
      const saved = await client.put('Customer', {
        CustomerID: { value: key },
        CustomerName: { value: name },
      });
      return { guid: saved.id as string, key };
    } finally {
      await client.close();
    }
  }

  const notice = (keys: string[], id = randomUUID()): ChangeNotification => ({
    id,
    timeStamp: '638765123456789012',
    entity: 'customers',
    keys,
  });

  test('pulls by key, ignores duplicates across continue-as-new, and never deletes', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers'] } });
    const { store, account, emulator } = env;
    await env.runWorkers(async () => {
      const signal = (n: ChangeNotification) =>
        env.client.workflow.signalWithStart('pullChanges', {
          taskQueue: env.taskQueue,
          workflowId: `changes/${account.id}`,
          args: [{ accountId: account.id, continueAsNewAt: 40 }],
          signal: changeNotificationSignal,
          signalArgs: [n],
        });
      const state = () => env.client.workflow.getHandle(`changes/${account.id}`).query(changesStateQuery);
      const settled = (check: (s: ChangesState) => boolean) =>
        waitFor('the change workflow to settle', async () => {
          const s = await state();
          return s.pending === 0 && check(s) ? s : undefined;
        });

      const customers: { guid: string; key: string }[] = [];
      for (let i = 0; i < 4; i++) customers.push(await erpCustomer(env, `Changed ${i}`));
      const first = notice(customers.map((c) => c.key));
      await signal(first);
      await waitFor('the customers to be created here', async () => {
        const found = await store.records.customers.findByExternalIds(
          account.id,
          customers.map((c) => c.key),
        );
        return found.length === 4 ? found : undefined;
      });

      // Enough batches to continue as new more than once (a low threshold), then the first one again.
      emulator.admin.resetCounters();
      for (let i = 0; i < 6; i++) {
        emulator.admin.editRecord('Customer', customers[0]!.guid, { CustomerName: `Round ${i}` });
        await signal(notice([customers[0]!.key]));
        await settled((s) => s.received === i + 2);
      }
      const runs: unknown[] = [];
      for await (const run of env.client.workflow.list({ query: `WorkflowId = 'changes/${account.id}'` }))
        runs.push(run);
      assert.ok(runs.length > 1, `continued as new: ${runs.length} runs`);
      await signal(first);
      const carried = await settled((s) => s.duplicates === 1);
      assert.equal(carried.received, 7, 'counts carried across continue-as-new');
      assert.equal(
        emulator.admin.counters()['GET Customer'] ?? 0,
        6,
        'one GET per new notification; the replay of the first costs none',
      );
      const renamed = await store.records.customers.findByExternalId(account.id, customers[0]!.key);
      assert.equal(renamed?.name, 'Round 5');

      // A key Acumatica no longer has (deleted there) deletes nothing here.
      const client = erpClient(emulator);
      try {
        await client.delete('Customer', customers[1]!.guid);
      } finally {
        await client.close();
      }
      await signal(notice([customers[1]!.key]));
      const afterDelete = await settled((s) => s.received === 8);
      assert.equal(afterDelete.counts.failed, 0);
      assert.ok(await store.records.customers.findByExternalId(account.id, customers[1]!.key));

      // A local edit newer than Acumatica's copy is kept (last-modified wins), not overwritten.
      const local = await store.records.customers.findByExternalId(account.id, customers[2]!.key);
      await store.records.customers.update(account.id, local!._id, { name: 'Edited here' });
      await signal(notice([customers[2]!.key]));
      await settled((s) => s.received === 9);
      const kept = await store.records.customers.findByExternalId(account.id, customers[2]!.key);
      assert.equal(kept?.name, 'Edited here');
    });
  });
});
