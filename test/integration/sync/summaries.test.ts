/**
 * Run summaries tell the whole truth, on the real stack: entity types that failed outright, dependencies
 * pushed or failed by the cascade, every pulled record accounted for, programming errors surfacing as
 * failed activities, and a connection edited mid-run.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ENTITIES, type EntityType } from '../../../core/entities';
import { recordCollectionName } from '../../../store/db';
import { crashOnceAfterPut } from '../../helpers/crash';
import {
  createMarked,
  customerInput,
  invoiceInput,
  productInput,
  reload,
  salesOrderInput,
} from '../../helpers/records';
import { useSyncStack, TEST_BOX } from '../../helpers/sync-env';
import { waitFor } from '../../helpers/wait';

describe('run summaries', () => {
  const stack = useSyncStack('sync_summaries');

  test('entity types that failed outright are counted in the headline and the notification', async () => {
    const env = await stack.setup({ password: 'wrong', settings: { entityTypes: ['customers', 'vendors'] } });
    const summary = await env.runSync();
    assert.equal(summary.outcome, 'failed');
    const failedTypes = Object.values(summary.entities).filter((e) => e.status === 'failed');
    assert.ok(failedTypes.length > 0);
    assert.deepEqual([...(summary.failedEntityTypes ?? [])].sort(), failedTypes.map((e) => e.entity).sort());
    const [notification] = (await env.store.notifications.list(env.account.id)).items;
    const n = failedTypes.length;
    assert.equal(
      notification?.title,
      `Sync failed: 0 pushed, 0 pulled, 0 failed, ${n} entity type${n === 1 ? '' : 's'} failed`,
    );
  });

  test('dependencies pushed by the cascade count under their own type, even when the run does not sync it', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['invoices'] } });
    const { store, account } = env;
    // Neither the customer nor the product is marked or synced by this run: the invoice pushes them.
    const customer = await store.records.customers.create(account.id, customerInput());
    const product = await store.records.products.create(account.id, productInput());
    await createMarked(store, account.id, 'invoices', invoiceInput(customer._id, product._id));
    const summary = await env.runSync();
    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary.failures));
    assert.equal(summary.totals.pushed, 3);
    assert.equal(summary.entities.invoices?.counts.pushed, 1);
    for (const type of ['customers', 'products'] as const) {
      assert.equal(summary.entities[type]?.counts.pushed, 1, type);
      assert.equal(summary.entities[type]?.cascaded?.pushed, 1, type);
    }
    const [notification] = (await store.notifications.list(account.id)).items;
    assert.equal(notification?.title, 'Sync succeeded: 3 pushed, 0 pulled, 0 failed');
  });

  test('a dependency the cascade fails to push is counted as a failed record of its own type', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers', 'products', 'invoices'] } });
    const { store, account, emulator } = env;
    const customer = await store.records.customers.create(account.id, customerInput());
    const product = await store.records.products.create(account.id, productInput());
    await createMarked(store, account.id, 'invoices', invoiceInput(customer._id, product._id));
    emulator.admin.setFaults({
      serverErrors: { rate: 1, status: 422 },
      target: { entity: 'Customer', method: 'PUT' },
    });
    const summary = await env.runSync();
    assert.equal(summary.outcome, 'partial');
    assert.equal(summary.entities.customers?.counts.failed, 1);
    assert.equal(summary.entities.customers?.cascaded?.failed, 1);
    assert.equal(summary.entities.invoices?.counts.failed, 1);
    assert.equal(summary.totals.failed, 2);
    assert.deepEqual(summary.failures.map((f) => [f.entity, f.recordId]).sort(), [
      ['customers', customer._id],
      ['invoices', (await store.records.invoices.list(account.id)).items[0]!._id],
    ]);
    const c = await reload(store, account.id, 'customers', customer._id);
    assert.equal(c.sync.state, 'failed');
    assert.equal(c.notes.length, 1);
  });

  test('a page retried after a failed attempt does not repeat a failure note', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers', 'products', 'sales-orders'] } });
    const { store, account } = env;
    const customer = await createMarked(store, account.id, 'customers', customerInput());
    const product = await createMarked(store, account.id, 'products', productInput());
    const orders = [
      await createMarked(store, account.id, 'sales-orders', salesOrderInput(customer._id, product._id)),
      await createMarked(store, account.id, 'sales-orders', salesOrderInput(customer._id, product._id)),
    ].sort((a, b) => a._id.localeCompare(b._id));
    const [good, bad] = [orders[0]!, orders[1]!];
    // The page pushes both at once: the first one's write-back fails (the attempt fails and is retried
    // from the start of the page), while the second one is rejected by Acumatica in the same attempt.
    await store.records['sales-orders'].update(account.id, bad._id, {
      lines: [{ sku: 'NO-SUCH-ITEM', quantity: 1, unitPrice: 5 }],
    });
    const crash = crashOnceAfterPut('sales-orders');
    // A full run pushes failed records too, so the retried attempt pushes the rejected one again.
    const summary = await env.runSync({ full: true }, { wrapStore: crash.wrap });
    assert.ok(crash.crashed(), 'the first attempt failed after its PUT');
    assert.equal(summary.entities['sales-orders']?.counts.failed, 1);
    assert.equal(summary.entities['sales-orders']?.counts.pushed, 1);
    const rejected = await reload(store, account.id, 'sales-orders', bad._id);
    assert.equal(rejected.sync.state, 'failed');
    assert.equal(rejected.notes.length, 1, JSON.stringify(rejected.notes));
    assert.equal((await reload(store, account.id, 'sales-orders', good._id)).sync.state, 'synced');
  });

  test('every pulled record is pulled, unchanged, skipped by reason or failed', async () => {
    const env = await stack.setup({
      emulator: { seed: { customers: 120, serviceOrders: 40, seed: 5 } },
      // A window wide enough that Acumatica returns every seeded service order (they are windowed).
      settings: {
        entityTypes: ['customers', 'work-orders'],
        includeSubCustomers: false,
        lastModifiedSinceDays: 3650,
      },
    });
    const { emulator } = env;
    const summary = await env.runSync();
    const subCustomers = emulator.admin.records('Customer').filter((c) => c.values.ParentRecord).length;
    assert.ok(subCustomers > 0, 'the seed has sub-customers');
    assert.equal(summary.skippedBy?.['sub-customers-off'], subCustomers);
    assert.equal(summary.entities.customers?.counts.skipped, subCustomers);
    for (const type of ['customers', 'work-orders'] as EntityType[]) {
      const c = summary.entities[type]!.counts;
      assert.equal(
        c.pulled + c.unchanged + (c.skipped ?? 0) + c.failed,
        emulator.admin.records(ENTITIES[type].acumaticaEntity).length,
        `${type}: ${JSON.stringify(c)}`,
      );
    }
    const skippedOrders = summary.skippedBy?.['customer-not-synced'] ?? 0;
    assert.equal(summary.entities['work-orders']?.counts.skipped, skippedOrders);
    const [notification] = (await env.store.notifications.list(env.account.id)).items;
    assert.match(notification?.title ?? '', new RegExp(`, ${subCustomers + skippedOrders} skipped, `));
  });

  test('a programming error fails the entity type in Temporal instead of becoming a record note', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers', 'products', 'invoices'] } });
    const { store, account, db } = env;
    const customer = await createMarked(store, account.id, 'customers', customerInput());
    const product = await createMarked(store, account.id, 'products', productInput());
    const invoice = await createMarked(
      store,
      account.id,
      'invoices',
      invoiceInput(customer._id, product._id),
    );
    // A stored document our code cannot handle: reading its lines throws a TypeError.
    await db
      .collection<{ _id: string }>(recordCollectionName('invoices'))
      .updateOne({ _id: invoice._id }, { $set: { lines: 'not a list' } });
    const summary = await env.runSync();
    assert.equal(summary.outcome, 'partial');
    assert.equal(summary.entities.customers?.status, 'done');
    assert.equal(summary.entities.invoices?.status, 'failed');
    assert.equal(summary.entities.invoices?.errorType, 'InternalError');
    assert.match(summary.entities.invoices?.error ?? '', /^TypeError: /);
    assert.deepEqual(summary.failedEntityTypes, ['invoices']);
    const stored = await reload(store, account.id, 'invoices', invoice._id);
    assert.equal(stored.notes.length, 0, 'no note blames the record');
    assert.equal(stored.sync.state, 'pending');
  });

  test('a connection edited mid-run stops the run with one clear failure; the next run uses it', async () => {
    const env = await stack.setup({ pageSize: 2, settings: { entityTypes: ['customers'] } });
    const { store, account, emulator } = env;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++)
      ids.push((await createMarked(store, account.id, 'customers', customerInput()))._id);
    emulator.admin.setFaults({ latency: { ms: 300 }, target: { method: 'PUT' } });
    const summary = await env.runWorkers(async () => {
      const handle = await env.startSync();
      await waitFor('a first push', () => (emulator.admin.records('Customer').length > 0 ? true : undefined));
      await store.accounts.setConnection(account.id, { requestsPerMinute: 120 }, TEST_BOX);
      return handle.result();
    });
    assert.equal(summary.outcome, 'failed');
    assert.equal(summary.entities.customers?.errorType, 'AccountConfigError');
    assert.match(summary.message ?? '', /was changed after this run started/);
    const pushed = summary.totals.pushed;
    assert.ok(pushed > 0 && pushed < ids.length, `${pushed} pushed before the edit was seen`);
    emulator.admin.setFaults({});
    const next = await env.runSync();
    assert.equal(next.outcome, 'succeeded');
    for (const id of ids)
      assert.equal((await reload(store, account.id, 'customers', id)).sync.state, 'synced');
  });
});
