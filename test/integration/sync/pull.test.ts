import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AcumaticaClient } from '../../../acumatica';
import { erpClient } from '../../helpers/erp';
import { nameEditedOnBothSides } from '../../helpers/conflicts';
import { accountSnapshot } from '../../helpers/inspect';
import { useSyncStack, type SyncEnv } from '../../helpers/sync-env';

const address = (line1: string, line2: string, city: string) => ({
  AddressLine1: { value: line1 },
  AddressLine2: { value: line2 },
  City: { value: city },
  State: { value: 'IL' },
  PostalCode: { value: '62701' },
  Country: { value: 'US' },
});

/** A parent customer with distinct bill-to and ship-to addresses, and a sub-customer of it. */
async function createErpCustomers(erp: AcumaticaClient): Promise<void> {
  await erp.put('Customer', {
    CustomerID: { value: 'PARENT01' },
    CustomerName: { value: 'Parent Holdings' },
    MainContact: {
      Email: { value: 'ap@parent.example' },
      Address: address('Parent Holdings Inc', '1 Main St', 'Springfield'),
    },
    BillingContactOverride: { value: true },
    BillingAddressOverride: { value: true },
    BillingContact: { Address: address('Attn: Accounts Payable', '9 Bill Ave', 'Billington') },
    ShippingContactOverride: { value: true },
    ShippingAddressOverride: { value: true },
    ShippingContact: { Address: address('Dock 4', '7 Ship Rd', 'Shipton') },
  });
  await erp.put('Customer', {
    CustomerID: { value: 'CHILD01' },
    CustomerName: { value: 'Parent Holdings - East' },
    ParentRecord: { value: 'PARENT01' },
  });
}

async function customersByKey(env: SyncEnv) {
  const page = await env.store.records.customers.list(env.account.id, { limit: 500 });
  return new Map(page.items.map((c) => [c.sync.externalId, c]));
}

describe('pull', () => {
  const stack = useSyncStack('sync_pull');

  test('the first run imports all master data; work orders only inside the window', async () => {
    const env = await stack.setup({
      emulator: {
        seed: {
          customers: 25,
          vendors: 4,
          stockItems: 6,
          nonStockItems: 3,
          projects: 3,
          serviceOrders: 12,
          seed: 7,
        },
      },
      settings: {
        entityTypes: [
          'customers',
          'vendors',
          'products',
          'services',
          'price-lists',
          'projects',
          'work-orders',
        ],
        lastModifiedSinceDays: 30,
      },
    });
    const { emulator, store, account } = env;
    const summary = await env.runSync();
    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary.failures));
    const erpCustomers = emulator.admin.records('Customer');
    const topLevel = erpCustomers.filter((c) => !c.values.ParentRecord);
    assert.ok(erpCustomers.length > topLevel.length, 'the seed has sub-customers');
    assert.equal(
      await store.records.customers.count(account.id),
      topLevel.length,
      'sub-customers are off by default',
    );
    assert.equal(await store.records.vendors.count(account.id), 4);
    assert.equal(await store.records.products.count(account.id), 6);
    assert.equal(await store.records.services.count(account.id), 3);
    assert.equal(await store.records.projects.count(account.id), 3);
    assert.ok(
      (await store.records['price-lists'].count(account.id)) > 0,
      'released sales prices become price lists',
    );
    assert.equal(summary.entities.customers?.counts.pulled, topLevel.length);

    // Modified more than 30 days ago: outside the window, even on the first run (work orders are not master data).
    const windowStart = Date.now() - 30 * 86_400_000;
    const recent = emulator.admin
      .records('ServiceOrder')
      .filter((o) => Date.parse(String(o.values.LastModifiedDateTime)) >= windowStart);
    assert.ok(recent.length > 0 && recent.length < 12, 'the seed spreads service orders over 60 days');
    assert.equal(await store.records['work-orders'].count(account.id), recent.length);

    const imported = (await store.records.customers.list(account.id, { limit: 1 })).items[0];
    assert.equal(imported?.sync.state, 'synced');
    assert.equal(imported?.type, 'BUSINESS');
    assert.equal(summary.customersMissingGeo.count, topLevel.length, 'Acumatica has no coordinates');

    const [notification] = (await store.notifications.list(account.id)).items;
    const stored = notification?.summary as unknown as Record<string, unknown>;
    assert.deepEqual(stored.customersMissingGeo, summary.customersMissingGeo);
    assert.equal(stored.runId, summary.runId);
  });

  test('the watermark narrows the next window; a changed record is updated, nothing else is read', async () => {
    const env = await stack.setup({
      emulator: { seed: { customers: 12, seed: 3 } },
      settings: { entityTypes: ['customers'] },
    });
    const { emulator, store, account } = env;
    await env.runSync();
    const watermark = await store.watermarks.get(account.id, 'customers');
    assert.ok(watermark, 'a completed pull sets the watermark');

    const target = emulator.admin
      .records('Customer')
      .find((c) => !c.values.ParentRecord && c.values.Status === 'Active');
    assert.ok(target);
    emulator.admin.editRecord('Customer', target.id, { CustomerName: 'Renamed In Acumatica' });
    const second = await env.runSync();
    assert.equal(second.entities.customers?.counts.pulled, 1);
    assert.equal(second.entities.customers?.counts.unchanged, 0, 'records outside the window are not read');
    const updated = await store.records.customers.findByAcumaticaId(account.id, target.id);
    assert.equal(updated?.name, 'Renamed In Acumatica');
    assert.equal(updated?.notes.length, 0, 'no local edit was lost: no note');
  });

  test('customer settings: sub-customers, first address line, ShipTo, new customer type', async () => {
    const plain = await stack.setup({ settings: { entityTypes: ['customers'] } });
    const tuned = await stack.setup({
      settings: {
        entityTypes: ['customers'],
        includeSubCustomers: true,
        skipFirstAddressLine: true,
        useShipToAddress: true,
        newCustomerType: 'RESIDENTIAL',
      },
    });
    for (const env of [plain, tuned]) {
      const erp = erpClient(env.emulator);
      try {
        await createErpCustomers(erp);
      } finally {
        await erp.close();
      }
      const summary = await env.runSync();
      assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary));
    }

    const a = await customersByKey(plain);
    assert.equal(a.size, 1, 'the sub-customer is skipped');
    assert.equal(a.get('PARENT01')?.billingAddress?.line1, 'Attn: Accounts Payable');
    assert.equal(a.get('PARENT01')?.billingAddress?.city, 'Billington');
    assert.equal(a.get('PARENT01')?.type, 'BUSINESS');

    const b = await customersByKey(tuned);
    assert.equal(b.size, 2, 'the sub-customer is imported');
    const parent = b.get('PARENT01');
    assert.equal(parent?.type, 'RESIDENTIAL');
    assert.equal(parent?.billingAddress?.city, 'Shipton', 'ShipTo instead of BillTo');
    assert.equal(parent?.billingAddress?.line1, '7 Ship Rd', 'the first address line is skipped');
    assert.equal(b.get('CHILD01')?.parentCustomerId, parent?._id);
  });

  test('a project of a skipped sub-customer is imported without its customer; the others keep theirs', async () => {
    const env = await stack.setup({
      emulator: { seed: { customers: 30, projects: 12, seed: 4 } },
      settings: { entityTypes: ['customers', 'projects'] },
    });
    const { admin } = env.emulator;
    const sub = admin.records('Customer').find((c) => c.values.ParentRecord);
    assert.ok(sub, 'the seed has a sub-customer');
    const projects = admin.records('Project');
    admin.editRecord('Project', projects[0]!.id, { Customer: sub.values.CustomerID });
    const summary = await env.runSync();
    assert.equal(summary.outcome, 'succeeded', JSON.stringify(summary.failures));
    assert.equal(summary.entities.projects?.counts.pulled, projects.length);
    const ours = await customersByKey(env);
    assert.equal(ours.has(String(sub.values.CustomerID)), false, 'sub-customers are off');
    const imported = (await env.store.records.projects.list(env.account.id, { limit: 100 })).items;
    assert.equal(imported.length, projects.length);
    for (const erp of admin.records('Project')) {
      const mine = imported.find((p) => p.sync.externalId === erp.values.ProjectID);
      assert.ok(mine, `project ${String(erp.values.ProjectID)} imported`);
      const expected = ours.get(String(erp.values.Customer))?._id;
      assert.equal(mine.customerId, expected, `project ${String(erp.values.ProjectID)}`);
    }
    const withCustomer = imported.filter((p) => p.customerId).length;
    assert.ok(withCustomer > 0 && withCustomer < imported.length, 'both kinds of project are present');
  });

  test('only the selected entity types sync', async () => {
    const env = await stack.setup({
      emulator: { seed: { customers: 3, vendors: 3, seed: 5 } },
      settings: { entityTypes: ['vendors', 'customers'] },
    });
    const summary = await env.runSync({ entityTypes: ['vendors', 'products'] });
    assert.deepEqual(Object.keys(summary.entities), ['vendors']);
    assert.equal(await env.store.records.vendors.count(env.account.id), 3);
    assert.equal(await env.store.records.customers.count(env.account.id), 0);
  });
});

describe('last-modified wins', () => {
  const stack = useSyncStack('sync_lmw');

  const conflict = (ours: number, theirs: number) => nameEditedOnBothSides(stack, ours, theirs);

  test("Acumatica's newer edit replaces ours, with a note", async () => {
    const { record, erpName } = await conflict(10_000, 20_000);
    assert.equal(record.name, 'Theirs');
    assert.equal(record.sync.state, 'synced');
    assert.match(record.notes.at(-1)?.text ?? '', /Acumatica's newer/);
    assert.equal(erpName, 'Theirs', 'the older local edit is not pushed');
  });

  test('our newer edit is pushed over Acumatica', async () => {
    const { record, erpName } = await conflict(20_000, 10_000);
    assert.equal(record.name, 'Ours');
    assert.equal(record.sync.state, 'synced');
    assert.equal(erpName, 'Ours');
  });

  test('equal modified times: Acumatica wins on pull', async () => {
    const { record, erpName } = await conflict(10_000, 10_000);
    assert.equal(record.name, 'Theirs');
    assert.equal(erpName, 'Theirs');
  });

  test('a full re-run after an import writes nothing on either side', async () => {
    const env = await stack.setup({
      emulator: { seed: { customers: 6, vendors: 3, stockItems: 3, nonStockItems: 2, seed: 9 } },
      settings: { entityTypes: ['customers', 'vendors', 'products', 'services'] },
    });
    await env.runSync();
    const before = await accountSnapshot(env.db, env.account.id);
    env.emulator.admin.resetCounters();
    const full = await env.runSync({ full: true });
    assert.deepEqual(full.totals, { ...full.totals, pushed: 0, pulled: 0, failed: 0 });
    const puts = Object.keys(env.emulator.admin.counters()).filter((k) => k.startsWith('PUT '));
    assert.deepEqual(puts, [], 'imported records are not pushed back on a full run');
    assert.deepEqual(await accountSnapshot(env.db, env.account.id), before);
  });
});
