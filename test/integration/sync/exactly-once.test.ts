import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { INTENT_WINDOW } from '../../../activities/push';
import { crashOnceAfterPut } from '../../helpers/crash';
import { byExternalRef } from '../../helpers/inspect';
import {
  createMarked,
  customerInput,
  productInput,
  reload,
  salesOrderInput,
  workOrderInput,
} from '../../helpers/records';
import { useSyncStack } from '../../helpers/sync-env';

describe('exactly-once creation of auto-numbered documents', () => {
  const stack = useSyncStack('sync_exactly_once');

  test('a committed PUT whose connection drops is adopted on retry, not created twice', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers', 'products', 'sales-orders'] } });
    const { store, account, emulator } = env;
    const customer = await createMarked(store, account.id, 'customers', customerInput());
    const product = await createMarked(store, account.id, 'products', productInput());
    const order = await createMarked(
      store,
      account.id,
      'sales-orders',
      salesOrderInput(customer._id, product._id),
    );
    emulator.admin.setFaults({
      commitThenDrop: { next: 1 },
      target: { entity: 'SalesOrder', method: 'PUT' },
    });

    const summary = await env.runSync();
    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary));
    const docs = byExternalRef(emulator, 'SalesOrder', 'ExternalRef', order.externalRef);
    assert.equal(docs.length, 1, 'exactly one sales order in Acumatica');
    assert.equal(emulator.admin.records('SalesOrder').length, 1);
    const synced = await reload(store, account.id, 'sales-orders', order._id);
    assert.equal(synced.sync.state, 'synced');
    assert.equal(synced.sync.externalId, `SO/${String(docs[0]?.values.OrderNbr)}`);
    assert.equal(synced.sync.pushIntent, undefined, 'the intent is cleared once synced');
  });

  test('a worker lost between the PUT and the write-back does not create a duplicate', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers', 'work-orders'] } });
    const { store, account, emulator } = env;
    const customer = await createMarked(store, account.id, 'customers', customerInput());
    const order = await createMarked(store, account.id, 'work-orders', workOrderInput(customer._id));
    const crash = crashOnceAfterPut('work-orders');

    const summary = await env.runSync({}, { wrapStore: crash.wrap });
    assert.ok(crash.crashed(), 'the crash was injected');
    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary));
    const docs = byExternalRef(emulator, 'ServiceOrder', 'ExternalReference', order.externalRef);
    assert.equal(docs.length, 1, 'exactly one service order in Acumatica');
    const synced = await reload(store, account.id, 'work-orders', order._id);
    assert.equal(synced.sync.state, 'synced');
    assert.equal(synced.sync.acumaticaId, docs[0]?.id);
  });

  test('a page lost at its first batch of write-backs creates every order once and looks up at most the intents it recorded', async () => {
    const env = await stack.setup({
      settings: { entityTypes: ['customers', 'products', 'sales-orders'] },
      pageSize: 500,
    });
    const { store, account, emulator } = env;
    const customer = await createMarked(store, account.id, 'customers', customerInput());
    const product = await createMarked(store, account.id, 'products', productInput());
    const orders = [];
    for (let i = 0; i < 120; i++) {
      orders.push(
        await createMarked(store, account.id, 'sales-orders', salesOrderInput(customer._id, product._id)),
      );
    }
    // The first batch of outcomes (50 orders) is lost with the worker, after their PUTs.
    const crash = crashOnceAfterPut('sales-orders');

    const summary = await env.runSync({}, { wrapStore: crash.wrap });
    assert.ok(crash.crashed(), 'the crash was injected');
    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary));
    assert.equal(emulator.admin.records('SalesOrder').length, 120, 'no order created twice');
    for (const order of orders) {
      assert.equal(byExternalRef(emulator, 'SalesOrder', 'ExternalRef', order.externalRef).length, 1);
      assert.equal((await reload(store, account.id, 'sales-orders', order._id)).sync.state, 'synced');
    }
    // The retry looks up (GET by external reference) only orders whose intent was recorded: the windows
    // the lost attempt reached, never the whole page.
    const lookups = emulator.admin.counters()['GET SalesOrder'] ?? 0;
    assert.ok(lookups >= 50, `the orders whose outcome was lost are looked up, not re-created: ${lookups}`);
    assert.ok(lookups <= 2 * INTENT_WINDOW, `at most the two windows the attempt reached: ${lookups}`);
  });

  test('licence throttling (429) is retried after the server delay and the run completes', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers'] } });
    const { store, account, emulator } = env;
    const customer = await createMarked(store, account.id, 'customers', customerInput());
    emulator.admin.setFaults({
      tooManyRequests: { next: 2, retryAfterSec: 1 },
      target: { entity: 'Customer' },
    });

    const summary = await env.runSync();
    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary));
    assert.equal((await reload(store, account.id, 'customers', customer._id)).sync.state, 'synced');
    assert.equal(emulator.admin.records('Customer').length, 1);
  });

  test('under random drops, 5xx and conflicts every order ends synced exactly once', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers', 'products', 'sales-orders'] } });
    const { store, account, emulator } = env;
    const customer = await createMarked(store, account.id, 'customers', customerInput());
    const product = await createMarked(store, account.id, 'products', productInput());
    const orders = [];
    for (let i = 0; i < 5; i++) {
      orders.push(
        await createMarked(store, account.id, 'sales-orders', salesOrderInput(customer._id, product._id)),
      );
    }
    emulator.admin.setFaults({
      seed: 4,
      commitThenDrop: { rate: 0.3 },
      serverErrors: { rate: 0.15, status: 503 },
      conflicts: { rate: 0.15 },
      target: { entity: 'SalesOrder' },
    });

    const summary = await env.runSync();
    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary));
    assert.equal(emulator.admin.records('SalesOrder').length, orders.length, 'no duplicate document');
    for (const order of orders) {
      assert.equal(byExternalRef(emulator, 'SalesOrder', 'ExternalRef', order.externalRef).length, 1);
      assert.equal((await reload(store, account.id, 'sales-orders', order._id)).sync.state, 'synced');
    }
  });
});
