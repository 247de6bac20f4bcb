import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useSyncStack } from '../../helpers/sync-env';
import {
  createMarked,
  customerInput,
  invoiceInput,
  productInput,
  reload,
  salesOrderInput,
  workOrderInput,
} from '../../helpers/records';
import { accountSnapshot, putCount } from '../../helpers/inspect';
import { erpClient } from '../../helpers/erp';

describe('push', () => {
  const stack = useSyncStack('sync_push');

  test('an incremental run pushes marked records only; a full run pushes all', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers', 'products'] } });
    const { store, account, emulator } = env;
    const marked = await createMarked(store, account.id, 'customers', customerInput());
    const unmarked = await store.records.customers.create(account.id, customerInput());
    const product = await createMarked(store, account.id, 'products', productInput());

    const first = await env.runSync();
    assert.equal(first.outcome, 'succeeded', JSON.stringify(first));
    assert.equal(first.entities.customers?.counts.pushed, 1);
    assert.equal(first.entities.products?.counts.pushed, 1);

    const synced = await reload(store, account.id, 'customers', marked._id);
    assert.equal(synced.sync.state, 'synced');
    assert.ok(synced.sync.externalId, 'External ID set');
    assert.ok(synced.sync.acumaticaId);
    const inAcumatica = emulator.admin.records('Customer');
    assert.equal(inAcumatica.length, 1);
    assert.equal(inAcumatica[0]?.values.CustomerID, synced.sync.externalId);
    assert.equal((await reload(store, account.id, 'customers', unmarked._id)).sync.state, 'none');
    assert.equal((await reload(store, account.id, 'products', product._id)).sync.state, 'synced');

    const full = await env.runSync({ full: true });
    assert.equal(full.outcome, 'succeeded', JSON.stringify(full));
    assert.equal(full.entities.customers?.counts.pushed, 1, 'the unmarked customer goes out on a full run');
    // Unchanged twice: the full pull reads the synced customer back (our own push, no echo) and the push skips it.
    assert.equal(full.entities.customers?.counts.unchanged, 2);
    assert.equal(full.entities.customers?.counts.pulled, 0, 'no echo of our own push');
    assert.equal(emulator.admin.records('Customer').length, 2);
    assert.equal((await reload(store, account.id, 'customers', unmarked._id)).sync.state, 'synced');
  });

  test('a 422 fails the record with a note naming the field; the run goes on; failed stays failed until re-marked', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers', 'products', 'sales-orders'] } });
    const { store, account, emulator } = env;
    const customer = await createMarked(store, account.id, 'customers', customerInput());
    const product = await createMarked(store, account.id, 'products', productInput());
    const bad = await createMarked(
      store,
      account.id,
      'sales-orders',
      salesOrderInput(customer._id, product._id, {
        lines: [{ sku: 'NO-SUCH-ITEM', quantity: 1, unitPrice: 5 }],
      }),
    );
    const good = await createMarked(
      store,
      account.id,
      'sales-orders',
      salesOrderInput(customer._id, product._id),
    );

    const summary = await env.runSync();
    assert.equal(summary.outcome, 'partial');
    assert.equal(summary.entities['sales-orders']?.counts.failed, 1);
    assert.equal(summary.entities['sales-orders']?.counts.pushed, 1);
    const failed = await reload(store, account.id, 'sales-orders', bad._id);
    assert.equal(failed.sync.state, 'failed');
    assert.match(failed.sync.lastError?.message ?? '', /InventoryID/);
    assert.match(failed.notes.at(-1)?.text ?? '', /InventoryID.*cannot be found/);
    assert.equal(failed.sync.externalId, undefined);
    const listed = summary.failures.find((f) => f.recordId === bad._id);
    assert.match(listed?.message ?? '', /InventoryID/);
    const ok = await reload(store, account.id, 'sales-orders', good._id);
    assert.equal(ok.sync.state, 'synced');
    assert.match(ok.sync.externalId ?? '', /^SO\/SO\d+$/);
    assert.equal(emulator.admin.records('SalesOrder').length, 1);

    emulator.admin.resetCounters();
    const again = await env.runSync();
    assert.equal(putCount(emulator, 'SalesOrder'), 0, 'a failed record is not retried until re-marked');
    assert.equal((await reload(store, account.id, 'sales-orders', bad._id)).sync.state, 'failed');
    assert.equal(again.entities['sales-orders']?.counts.failed, 0);

    await store.records['sales-orders'].markForExport(account.id, { ids: [bad._id] });
    const remarked = await env.runSync();
    assert.equal(putCount(emulator, 'SalesOrder'), 1, 're-marked: tried again');
    assert.equal(remarked.entities['sales-orders']?.counts.failed, 1);
  });

  test('dependencies not in Acumatica are pushed first (cascade)', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers', 'products', 'invoices'] } });
    const { store, account, emulator } = env;
    // Neither the customer nor the product is marked: only the invoice is.
    const customer = await store.records.customers.create(account.id, customerInput());
    const product = await store.records.products.create(account.id, productInput());
    const invoice = await createMarked(
      store,
      account.id,
      'invoices',
      invoiceInput(customer._id, product._id),
    );

    const summary = await env.runSync();
    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary.failures));
    const c = await reload(store, account.id, 'customers', customer._id);
    const p = await reload(store, account.id, 'products', product._id);
    const i = await reload(store, account.id, 'invoices', invoice._id);
    assert.equal(c.sync.state, 'synced');
    assert.equal(p.sync.state, 'synced');
    assert.equal(i.sync.state, 'synced');
    const [acuInvoice] = emulator.admin.records('Invoice');
    assert.equal(acuInvoice?.values.Customer, c.sync.externalId);
    assert.equal(acuInvoice?.details.Details?.[0]?.values.InventoryID, p.sync.externalId);
  });

  test('a dependency that cannot be pushed fails the record with a note naming it', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers', 'products', 'invoices'] } });
    const { store, account, emulator } = env;
    const customer = await store.records.customers.create(account.id, customerInput({ name: 'Acme Dental' }));
    const product = await createMarked(store, account.id, 'products', productInput());
    const invoice = await createMarked(
      store,
      account.id,
      'invoices',
      invoiceInput(customer._id, product._id),
    );
    emulator.admin.setFaults({
      serverErrors: { rate: 1, status: 422 },
      target: { entity: 'Customer', method: 'PUT' },
    });

    const summary = await env.runSync();
    assert.equal(summary.outcome, 'partial');
    const i = await reload(store, account.id, 'invoices', invoice._id);
    assert.equal(i.sync.state, 'failed');
    assert.match(
      i.notes.at(-1)?.text ?? '',
      new RegExp(`Customer ${customer._id} \\(Acme Dental\\) could not be pushed`),
    );
    assert.equal((await reload(store, account.id, 'customers', customer._id)).sync.state, 'failed');
    assert.equal(emulator.admin.records('Invoice').length, 0);
  });

  test('a re-run with nothing changed sends no PUT and writes nothing', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers', 'products', 'sales-orders'] } });
    const { store, account, emulator } = env;
    const customer = await createMarked(store, account.id, 'customers', customerInput());
    const product = await createMarked(store, account.id, 'products', productInput());
    await createMarked(store, account.id, 'sales-orders', salesOrderInput(customer._id, product._id));
    const first = await env.runSync();
    assert.equal(first.outcome, 'succeeded', JSON.stringify(first.failures));

    const before = await accountSnapshot(env.db, account.id);
    emulator.admin.resetCounters();
    const incremental = await env.runSync();
    const full = await env.runSync({ full: true });
    const counters = emulator.admin.counters();
    assert.deepEqual(
      Object.keys(counters).filter((k) => k.startsWith('PUT ')),
      [],
      `no PUT expected, got ${JSON.stringify(counters)}`,
    );
    assert.deepEqual(await accountSnapshot(env.db, account.id), before, 'no record was written');
    assert.equal(incremental.totals.pushed + incremental.totals.pulled, 0);
    assert.equal(full.totals.pushed + full.totals.pulled, 0);
  });

  test("an update reads Acumatica's copy once for the last-modified check and the detail rows", async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers', 'work-orders'] } });
    const { store, account, emulator } = env;
    const customer = await createMarked(store, account.id, 'customers', customerInput());
    const lines = [{ description: 'Inspection', quantity: 1, unitPrice: 90 }];
    const order = await createMarked(
      store,
      account.id,
      'work-orders',
      workOrderInput(customer._id, { lines }),
    );
    assert.equal((await env.runSync()).outcome, 'succeeded');

    await store.records['work-orders'].update(account.id, order._id, { description: 'Repair, revised' });
    await store.records['work-orders'].markForExport(account.id, { ids: [order._id] });
    emulator.admin.resetCounters();
    const summary = await env.runSync({ entityTypes: ['work-orders'] });
    assert.equal(summary.totals.pushed, 1, JSON.stringify(summary));
    const counters = emulator.admin.counters();
    // Pull pages list ServiceOrders (one GET each), then one push page updates the order.
    const pullPages = (summary.entities['work-orders']?.pages ?? 0) - 1;
    assert.equal(counters['GET ServiceOrder'], pullPages + 1, JSON.stringify(counters));
    assert.equal(counters['PUT ServiceOrder'], 1);
    const erp = emulator.admin.records('ServiceOrder')[0];
    assert.equal(erp?.values.Description, 'Repair, revised');
  });

  test('estimates and sales orders push due date, discounts, markups and tax; totals equal in Acumatica', async () => {
    const env = await stack.setup({
      settings: { entityTypes: ['customers', 'products', 'estimates', 'sales-orders'] },
    });
    const { store, account, emulator } = env;
    // The tenant's tax, as an Acumatica admin sets it up (the rate lives in the tax's schedule).
    const erp = erpClient(emulator);
    await erp.put('Tax', { TaxID: { value: 'ILSTATE' }, TaxSchedule: [{ TaxRate: { value: 6.25 } }] });
    await erp.close();
    const customer = await createMarked(store, account.id, 'customers', customerInput());
    const product = await createMarked(store, account.id, 'products', productInput());
    const pricing = {
      dueDate: '2025-04-03',
      lines: [
        { productId: product._id, quantity: 4, unitPrice: 25, discountPercent: 10 },
        { productId: product._id, quantity: 1, unitPrice: 60 },
      ],
      discounts: [
        { description: 'Loyalty', kind: 'percent' as const, value: 5 },
        { description: 'Coupon', kind: 'amount' as const, value: 10 },
      ],
      markups: [{ description: 'Rush delivery', kind: 'amount' as const, value: 15 }],
    };
    const order = await createMarked(
      store,
      account.id,
      'sales-orders',
      salesOrderInput(customer._id, product._id, {
        ...pricing,
        salesTax: { taxZoneId: 'IL', taxId: 'ILSTATE' },
      }),
    );
    const estimate = await createMarked(store, account.id, 'estimates', {
      customerId: customer._id,
      date: '2025-03-04',
      ...pricing,
      salesTax: { taxId: 'ILSTATE', amount: 9.99 },
    });
    const summary = await env.runSync();
    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary.failures));

    // Lines 90 + 60 = 150; 5 % of it (7.50) and the 10.00 coupon off: 132.50; the 15.00 markup: 147.50.
    const linesNet = 147.5;
    const byRef = (ref: string) =>
      emulator.admin.records('SalesOrder').find((r) => r.values.ExternalRef === ref)!;
    const so = byRef((await reload(store, account.id, 'sales-orders', order._id)).externalRef);
    assert.equal(so.values.OrderType, 'SO');
    assert.equal(String(so.linked.FinancialSettings?.values.DueDate).slice(0, 10), '2025-04-03');
    assert.equal(so.linked.FinancialSettings?.values.CustomerTaxZone, 'IL');
    assert.equal(so.details.Details?.length, 3, 'two lines and the markup line');
    assert.equal(so.values.TaxTotal, 9.22, 'Acumatica computes 6.25 % of 147.50');
    assert.equal(so.values.OrderTotal, linesNet + 9.22);

    const qt = byRef((await reload(store, account.id, 'estimates', estimate._id)).externalRef);
    assert.equal(qt.values.OrderType, 'QT');
    assert.equal(String(qt.linked.FinancialSettings?.values.DueDate).slice(0, 10), '2025-04-03');
    assert.equal(
      qt.details.Details?.[0]?.values.DiscountAmount,
      20.5,
      '10.00 own, 4.50 loyalty, 6.00 of the coupon',
    );
    assert.equal(qt.values.TaxTotal, 9.99, 'the tax amount we send is kept');
    assert.equal(qt.values.OrderTotal, linesNet + 9.99);
  });

  test('invoices take the integration date when the account says so', async () => {
    const env = await stack.setup({
      settings: { entityTypes: ['customers', 'products', 'invoices'], useIntegrationDateForInvoices: true },
    });
    const { store, account, emulator } = env;
    const customer = await createMarked(store, account.id, 'customers', customerInput());
    const product = await createMarked(store, account.id, 'products', productInput());
    await createMarked(
      store,
      account.id,
      'invoices',
      invoiceInput(customer._id, product._id, { invoiceDate: '2020-01-15' }),
    );
    const before = new Date().toISOString().slice(0, 10);
    const summary = await env.runSync();
    const after = new Date().toISOString().slice(0, 10);
    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary.failures));
    const date = String(emulator.admin.records('Invoice')[0]?.values.Date ?? '').slice(0, 10);
    assert.ok(date === before || date === after, `invoice date ${date} is the run's date, not 2020-01-15`);
  });
});
