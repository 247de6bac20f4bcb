/**
 * Push-only documents merged with Acumatica's copy on the real stack (docs/sync-rules.md, "Field-level
 * merge"): an edit made only in Acumatica (a line added, a quantity, a header field) survives our next push,
 * our own change still goes out, and a field changed on both sides goes to the later change with a note.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock, erpClient } from '../../helpers/erp';
import {
  createMarked,
  customerInput,
  invoiceInput,
  productInput,
  reload,
  salesOrderInput,
} from '../../helpers/records';
import { useSyncStack, type SyncEnv } from '../../helpers/sync-env';

describe('push-only document merge', () => {
  const stack = useSyncStack('sync_document_merge');

  /** An invoice of three lines pushed to Acumatica; returns its ids and the products' Acumatica keys. */
  async function pushedInvoice(env: SyncEnv) {
    const { store, account } = env;
    const customer = await store.records.customers.create(account.id, customerInput());
    const products = [];
    for (let i = 0; i < 3; i++)
      products.push(await store.records.products.create(account.id, productInput()));
    const lines = [
      { productId: products[0]!._id, quantity: 1, unitPrice: 25 },
      { productId: products[1]!._id, quantity: 2, unitPrice: 40 },
      { productId: products[2]!._id, quantity: 1, unitPrice: 30 },
    ];
    const invoice = await createMarked(
      store,
      account.id,
      'invoices',
      invoiceInput(customer._id, products[0]!._id, { description: 'Boiler service', lines }),
    );
    const first = await env.runSync();
    assert.equal(first.outcome, 'succeeded', JSON.stringify(first.failures));
    const pushed = await reload(store, account.id, 'invoices', invoice._id);
    const [type = '', number = ''] = (pushed.sync.externalId ?? '').split('/');
    const keys: string[] = [];
    for (const p of products)
      keys.push((await reload(store, account.id, 'products', p._id)).sync.externalId ?? '');
    return { id: invoice._id, lines, type, number, keys, acuId: pushed.sync.acumaticaId ?? '' };
  }

  /** Acting as an ERP user: one PUT to the invoice. */
  async function editInAcumatica(env: SyncEnv, body: Record<string, unknown>) {
    const erp = erpClient(env.emulator);
    try {
      await erp.put('Invoice', body);
    } finally {
      await erp.close();
    }
  }

  const rowsOf = (env: SyncEnv, acuId: string) =>
    (env.emulator.admin.getRecord('Invoice', acuId)?.details.Details ?? []).map((r) => ({
      id: r.id,
      item: r.values.InventoryID,
      description: r.values.TransactionDescription,
      qty: r.values.Qty,
      price: r.values.UnitPrice,
    }));

  test('a line added and a quantity and header changed in Acumatica survive our push of a price change', async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers', 'products', 'invoices'] } });
    const { store, account, emulator } = env;
    const invoice = await pushedInvoice(env);
    const before = rowsOf(env, invoice.acuId);
    assert.equal(before.length, 3);

    // In Acumatica: the second line's quantity, the description, and a line of its own.
    await editInAcumatica(env, {
      Type: { value: invoice.type },
      ReferenceNbr: { value: invoice.number },
      Description: { value: 'Boiler service (per phone call)' },
      Details: [
        { id: before[1]!.id, Qty: { value: 5 } },
        {
          InventoryID: { value: invoice.keys[0] },
          TransactionDescription: { value: 'Added in Acumatica' },
          Qty: { value: 1 },
          UnitPrice: { value: 15 },
        },
      ],
    });
    // Here: the third line's price.
    const lines = invoice.lines.map((l, i) => (i === 2 ? { ...l, unitPrice: 35 } : l));
    await store.records.invoices.update(account.id, invoice.id, { lines });
    await store.records.invoices.markForExport(account.id, { ids: [invoice.id] });
    emulator.admin.resetCounters();

    const summary = await env.runSync();
    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary.failures));
    assert.equal(summary.entities.invoices?.counts.pushed, 1);
    assert.equal(emulator.admin.counters()['PUT Invoice'], 1);

    const erp = emulator.admin.getRecord('Invoice', invoice.acuId);
    assert.equal(erp?.values.Description, 'Boiler service (per phone call)', "Acumatica's header edit kept");
    const rows = rowsOf(env, invoice.acuId);
    assert.deepEqual(
      rows.map((r) => [r.item, r.qty, r.price]),
      [
        [invoice.keys[0], 1, 25],
        [invoice.keys[1], 5, 40],
        [invoice.keys[2], 1, 35],
        [invoice.keys[0], 1, 15],
      ],
      "Acumatica's line and quantity kept, our price sent",
    );
    assert.deepEqual(
      rows.slice(0, 3).map((r) => r.id),
      before.map((r) => r.id),
      'our lines updated in place',
    );
    assert.equal(erp?.values.Amount, 25 + 5 * 40 + 35 + 15, "Acumatica's total is of the merged lines");

    const record = await reload(store, account.id, 'invoices', invoice.id);
    assert.equal(record.sync.state, 'synced');
    assert.ok(!record.notes.some((n) => /changed on both sides/.test(n.text)), 'no conflict');

    // Marked again without changes: nothing is sent.
    await store.records.invoices.markForExport(account.id, { ids: [invoice.id] });
    emulator.admin.resetCounters();
    const quiet = await env.runSync();
    assert.equal(quiet.outcome, 'succeeded');
    assert.equal(emulator.admin.counters()['PUT Invoice'] ?? 0, 0);
    assert.deepEqual(rowsOf(env, invoice.acuId), rows);

    // Our line deleted here goes; Acumatica's own line stays.
    await store.records.invoices.update(account.id, invoice.id, { lines: lines.slice(1) });
    await store.records.invoices.markForExport(account.id, { ids: [invoice.id] });
    assert.equal((await env.runSync()).outcome, 'succeeded');
    assert.deepEqual(
      rowsOf(env, invoice.acuId).map((r) => [r.item, r.qty, r.price]),
      [
        [invoice.keys[1], 5, 40],
        [invoice.keys[2], 1, 35],
        [invoice.keys[0], 1, 15],
      ],
    );
  });

  test("a sales order: the due date changed in Acumatica survives our push of a line's price", async () => {
    const env = await stack.setup({ settings: { entityTypes: ['customers', 'products', 'sales-orders'] } });
    const { store, account, emulator } = env;
    const customer = await store.records.customers.create(account.id, customerInput());
    const product = await store.records.products.create(account.id, productInput());
    const order = await createMarked(
      store,
      account.id,
      'sales-orders',
      salesOrderInput(customer._id, product._id, { dueDate: '2025-03-20' }),
    );
    assert.equal((await env.runSync()).outcome, 'succeeded');
    const pushed = await reload(store, account.id, 'sales-orders', order._id);
    const [type, number] = (pushed.sync.externalId ?? '').split('/');
    const erp = erpClient(emulator);
    try {
      await erp.put('SalesOrder', {
        OrderType: { value: type },
        OrderNbr: { value: number },
        FinancialSettings: { DueDate: { value: '2025-03-31' } },
      });
    } finally {
      await erp.close();
    }
    await store.records['sales-orders'].update(account.id, order._id, {
      lines: [{ productId: product._id, quantity: 2, unitPrice: 30 }],
    });
    await store.records['sales-orders'].markForExport(account.id, { ids: [order._id] });

    const summary = await env.runSync();
    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary.failures));
    const copy = emulator.admin.getRecord('SalesOrder', pushed.sync.acumaticaId ?? '');
    assert.match(String(copy?.linked.FinancialSettings?.values.DueDate), /^2025-03-31/);
    assert.deepEqual(
      (copy?.details.Details ?? []).map((r) => [r.values.OrderQty, r.values.UnitPrice]),
      [[2, 30]],
    );
    assert.equal((await reload(store, account.id, 'sales-orders', order._id)).sync.state, 'synced');
  });

  /** The description changed here ("Ours") and in Acumatica ("Theirs") at the given offsets (ms). */
  async function descriptionOnBothSides(ours: number, theirs: number) {
    const clock = new ManualClock();
    const env = await stack.setup({
      emulator: { now: clock.now },
      now: clock.now,
      settings: { entityTypes: ['customers', 'products', 'invoices'] },
    });
    const invoice = await pushedInvoice(env);
    const start = clock.now().getTime();
    const edits = [
      {
        at: ours,
        apply: async () => {
          await env.store.records.invoices.update(env.account.id, invoice.id, { description: 'Ours' });
          await env.store.records.invoices.markForExport(env.account.id, { ids: [invoice.id] });
        },
      },
      {
        at: theirs,
        apply: () =>
          editInAcumatica(env, {
            Type: { value: invoice.type },
            ReferenceNbr: { value: invoice.number },
            Description: { value: 'Theirs' },
          }),
      },
    ].sort((x, y) => x.at - y.at);
    for (const edit of edits) {
      clock.advance(start + edit.at - clock.now().getTime());
      await edit.apply();
    }
    const summary = await env.runSync();
    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary.failures));
    const record = await reload(env.store, env.account.id, 'invoices', invoice.id);
    const erp = env.emulator.admin.getRecord('Invoice', invoice.acuId);
    return { record, erpDescription: erp?.values.Description };
  }

  test("the same field changed on both sides: Acumatica's later change stays, with a note", async () => {
    const { record, erpDescription } = await descriptionOnBothSides(10_000, 20_000);
    assert.equal(erpDescription, 'Theirs');
    assert.equal(record.sync.state, 'synced');
    assert.equal(
      record.notes.at(-1)?.text,
      `Description was changed on both sides: here "Ours", in Acumatica "Theirs"; Acumatica's newer change was kept`,
    );
  });

  test('the same field changed on both sides: our later change goes out, with a note', async () => {
    const { record, erpDescription } = await descriptionOnBothSides(20_000, 10_000);
    assert.equal(erpDescription, 'Ours');
    assert.equal(record.sync.state, 'synced');
    assert.equal(
      record.notes.at(-1)?.text,
      `Description was changed on both sides: here "Ours", in Acumatica "Theirs"; our newer change was kept and goes to Acumatica`,
    );
  });
});
