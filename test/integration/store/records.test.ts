import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENTITY_TYPES, type EntityType } from '../../../core/entities';
import { externalIdDisplay } from '../../../core/records';
import { ValidationError } from '../../../core/validation';
import { recordCollectionName } from '../../../store/db';
import { ConflictError, UnsupportedOperationError } from '../../../store/errors';
import type { RecordRepository, Store } from '../../../store/index';
import { newId } from '../../../store/ids';
import { samplePatch, seedRefs, validInput, type FixtureRefs } from './fixtures';
import { openTestDb, type TestDb } from './helpers';

let env: TestDb;
let store: Store;

before(async () => {
  env = await openTestDb();
  store = env.store;
});
after(async () => {
  await env.close();
});

describe('records: create, read, update for every entity type', () => {
  it('round-trips each type, bumps updatedAt on update, keeps sync state', async () => {
    const accountId = newId('acc');
    const refs = await seedRefs(store, accountId);
    for (const type of ENTITY_TYPES) await roundTrip(type, accountId, refs);
  });

  async function roundTrip<T extends EntityType>(
    type: T,
    accountId: string,
    refs: FixtureRefs,
  ): Promise<void> {
    const repo: RecordRepository<T> = store.records[type];
    const created = await repo.create(accountId, validInput(type, refs, 2));
    assert.match(created._id, /^[a-z]{2,3}_[0-9a-z]{12}$/, type);
    assert.match(created.externalRef, /^FS-[A-Z]{2,3}-[0-9a-z]{12}$/, type);
    assert.equal(created.sync.state, 'none');
    const read = await repo.get(accountId, created._id);
    assert.deepEqual(read, created, type);

    await store.records[type].markSynced(accountId, created._id, {
      externalId: 'K1',
      acumaticaId: 'g-1',
      hash: 'h',
    });
    const updated = await repo.update(accountId, created._id, samplePatch(type) as never);
    assert.ok(updated, type);
    assert.ok(updated.updatedAt > created.updatedAt, `${type}: updatedAt bumped`);
    assert.equal(updated.sync.state, 'synced', `${type}: an edit does not mark the record`);
    const reread = await repo.get(accountId, created._id);
    for (const [key, value] of Object.entries(samplePatch(type))) {
      assert.deepEqual((reread as unknown as Record<string, unknown>)[key], value, `${type}.${key}`);
    }
  }

  it('gives customer locations stable ids and clears optional fields with null', async () => {
    const accountId = newId('acc');
    const refs = await seedRefs(store, accountId);
    const customers = store.records.customers;
    const created = await customers.create(accountId, validInput('customers', refs, 3));
    const locationId = created.locations[0]?.id;
    assert.match(locationId ?? '', /^loc_/);
    const updated = await customers.update(accountId, created._id, { email: null, phone: '555-0199' });
    assert.equal(updated?.email, undefined);
    const raw = await env.db
      .collection(recordCollectionName('customers'))
      .findOne({ _id: created._id as never });
    assert.equal(raw && 'email' in raw, false);
    assert.equal(raw?.phone, '555-0199');
    assert.equal((await customers.get(accountId, created._id))?.locations[0]?.id, locationId);
  });

  it('writes nothing for a patch that changes nothing', async () => {
    const accountId = newId('acc');
    const refs = await seedRefs(store, accountId);
    const created = await store.records.vendors.create(accountId, validInput('vendors', refs, 4));
    const same = await store.records.vendors.update(accountId, created._id, { name: created.name });
    assert.deepEqual(same?.updatedAt, created.updatedAt);
  });

  it('rejects bad input and references to missing records, naming the field', async () => {
    const accountId = newId('acc');
    const refs = await seedRefs(store, accountId);
    await assert.rejects(
      store.records.invoices.create(accountId, {
        ...validInput('invoices', refs),
        customerId: 'cus_missing00000',
      }),
      (error: unknown) =>
        error instanceof ValidationError &&
        error.issues.some((i) => i.field === 'customerId' && i.message.includes('does not exist')),
    );
    await assert.rejects(
      store.records['work-orders'].create(accountId, {
        ...validInput('work-orders', refs),
        lines: [{ productId: 'prd_missing00000', quantity: 1, unitPrice: 1 }],
      }),
      (error: unknown) => error instanceof ValidationError && error.issues[0]?.field === 'lines.0.productId',
    );
    const customer = await store.records.customers.get(accountId, refs.customerId);
    assert.ok(customer);
    await assert.rejects(
      store.records.customers.update(accountId, customer._id, { parentCustomerId: customer._id }),
      /must not reference the record itself/,
    );
    await assert.rejects(
      store.records.products.update(accountId, refs.productId, { price: -5 }),
      (error: unknown) =>
        error instanceof ValidationError && error.issues[0]?.message === 'price must be at least 0',
    );
  });

  it('keeps externalRef unique per account but not across accounts', async () => {
    const a = newId('acc');
    const b = newId('acc');
    const refsA = await seedRefs(store, a);
    const refsB = await seedRefs(store, b);
    await store.records.invoices.create(a, {
      ...validInput('invoices', refsA),
      externalRef: 'FS-INV-FIXED1',
    });
    await assert.rejects(
      store.records.invoices.create(a, { ...validInput('invoices', refsA), externalRef: 'FS-INV-FIXED1' }),
      ConflictError,
    );
    await store.records.invoices.create(b, {
      ...validInput('invoices', refsB),
      externalRef: 'FS-INV-FIXED1',
    });
  });
});

describe('records: account isolation', () => {
  it('never lets one account read or change another account’s records', async () => {
    const owner = newId('acc');
    const intruder = newId('acc');
    const refs = await seedRefs(store, owner);
    await seedRefs(store, intruder);
    const invoices = store.records.invoices;
    const invoice = await invoices.create(owner, validInput('invoices', refs));
    await invoices.markSynced(owner, invoice._id, {
      externalId: 'AR/INV001',
      acumaticaId: 'guid-1',
      hash: 'h',
    });

    assert.equal(await invoices.get(intruder, invoice._id), null);
    assert.deepEqual(await invoices.getMany(intruder, [invoice._id]), []);
    assert.equal(await invoices.findByExternalId(intruder, 'AR/INV001'), null);
    assert.equal(await invoices.findByAcumaticaId(intruder, 'guid-1'), null);
    assert.equal(
      (await invoices.list(intruder, {})).items.some((i) => i._id === invoice._id),
      false,
    );
    assert.equal(await invoices.update(intruder, invoice._id, { description: 'hacked' }), null);
    assert.equal(await invoices.markForExport(intruder, { ids: [invoice._id] }), 0);
    assert.equal(
      await invoices.markFailed(intruder, invoice._id, { message: 'x', code: 'x', runId: 'r' }),
      null,
    );
    assert.equal(
      await invoices.markSynced(intruder, invoice._id, { externalId: 'X', acumaticaId: 'Y', hash: 'z' }),
      null,
    );
    assert.equal(await invoices.addNote(intruder, invoice._id, { text: 'x', author: 'user' }), false);
    assert.equal(
      await invoices.recordPushIntent(intruder, invoice._id, { externalRef: 'x', runId: 'r', rev: 1 }),
      null,
    );
    assert.equal(await invoices.delete(intruder, invoice._id), false);
    // Referencing another account's customer is refused as a missing record.
    await assert.rejects(
      invoices.create(intruder, { ...validInput('invoices', refs) }),
      (error: unknown) =>
        error instanceof ValidationError && error.issues.some((i) => i.field === 'customerId'),
    );

    const untouched = await invoices.get(owner, invoice._id);
    assert.equal(untouched?.description, invoice.description);
    assert.equal(untouched?.sync.state, 'synced');
    assert.equal(untouched?.sync.externalId, 'AR/INV001');
    assert.deepEqual(untouched?.notes, []);
  });
});

describe('records: listing', () => {
  it('pages by keyset without gaps or repeats and caps the limit', async () => {
    const accountId = newId('acc');
    const refs = await seedRefs(store, accountId);
    const ids = new Set<string>();
    for (let n = 0; n < 7; n++)
      ids.add((await store.records.services.create(accountId, validInput('services', refs, 100 + n)))._id);
    ids.add(refs.serviceId);
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await store.records.services.list(accountId, { limit: 3, ...(after ? { after } : {}) });
      assert.ok(page.items.length <= 3);
      seen.push(...page.items.map((i) => i._id));
      after = page.nextCursor ?? undefined;
    } while (after);
    assert.deepEqual(seen, [...ids].sort());
    const capped = await store.records.services.list(accountId, { limit: 100000 });
    assert.equal(capped.items.length, 8);
  });

  it('filters by sync state, External ID, updatedSince and text', async () => {
    let clock = new Date('2024-01-01T00:00:00Z');
    const local = await openTestDb(() => clock);
    try {
      const accountId = newId('acc');
      const customers = local.store.records.customers;
      const none = { customerId: '', vendorId: '', productId: '', serviceId: '' };
      const a = await customers.create(accountId, {
        ...validInput('customers', none, 1),
        name: 'Alpha (Main) Services',
      });
      const b = await customers.create(accountId, {
        ...validInput('customers', none, 2),
        name: 'Beta Heating',
      });
      clock = new Date('2024-02-01T00:00:00Z');
      const c = await customers.create(accountId, {
        ...validInput('customers', none, 3),
        name: 'Gamma alpha',
      });
      await customers.markForExport(accountId, { ids: [a._id] });
      await customers.markFailed(accountId, b._id, {
        message: 'bad',
        code: 'AcumaticaRejected',
        runId: 'r1',
      });
      await customers.markSynced(accountId, c._id, { externalId: 'C000123', acumaticaId: 'g', hash: 'h' });

      const ids = async (filter: Parameters<typeof customers.list>[1]) =>
        (await customers.list(accountId, filter)).items.map((i) => i._id);
      assert.deepEqual(await ids({ state: 'pending' }), [a._id]);
      assert.deepEqual(await ids({ state: ['failed', 'synced'] }), [b._id, c._id].sort());
      assert.deepEqual(await ids({ externalId: 'Pending' }), [a._id]);
      assert.deepEqual(await ids({ externalId: 'Sync Failed' }), [b._id]);
      assert.deepEqual(await ids({ externalId: 'C000123' }), [c._id]);
      assert.deepEqual(await ids({ updatedSince: new Date('2024-01-15T00:00:00Z') }), [c._id]);
      assert.deepEqual(await ids({ text: 'ALPHA' }), [a._id, c._id].sort());
      assert.deepEqual(await ids({ text: '(main)' }), [a._id], 'regex characters are matched literally');
      assert.equal(await customers.count(accountId, { text: 'alpha', state: 'pending' }), 1);
    } finally {
      await local.close();
    }
  });
});

describe('records: sync state', () => {
  it('marks for export, re-marks failed ones, refuses pull-only types', async () => {
    const accountId = newId('acc');
    const refs = await seedRefs(store, accountId);
    const orders = store.records['sales-orders'];
    const one = await orders.create(accountId, validInput('sales-orders', refs, 1));
    const two = await orders.create(accountId, validInput('sales-orders', refs, 2));
    assert.equal(await orders.markForExport(accountId, { ids: [one._id, two._id] }), 2);
    assert.equal(await orders.markForExport(accountId, { ids: [one._id, two._id] }), 0, 'already pending');
    const pending = await orders.get(accountId, one._id);
    assert.ok(pending);
    assert.equal(externalIdDisplay(pending.sync), 'Pending');

    await orders.markFailed(accountId, one._id, {
      message: "CustomerID: 'Customer' cannot be found",
      code: 'AcumaticaRejected',
      runId: 'run-1',
    });
    const failed = await orders.get(accountId, one._id);
    assert.ok(failed);
    assert.equal(externalIdDisplay(failed.sync), 'Sync Failed');
    assert.equal(failed.sync.lastError?.code, 'AcumaticaRejected');
    assert.equal(failed.notes.length, 1);
    assert.equal(failed.notes[0]?.author, 'sync');
    assert.match(failed.notes[0]?.text ?? '', /cannot be found/);
    assert.equal(failed.notes[0]?.runId, 'run-1');

    // The same failure again in the same run (a page retried after a heartbeat) adds no second note;
    // another message, or the same one in a later run, does.
    const again = { message: "CustomerID: 'Customer' cannot be found", code: 'AcumaticaRejected' };
    assert.equal(await orders.markFailed(accountId, one._id, { ...again, runId: 'run-1' }), 'failed');
    assert.equal((await orders.get(accountId, one._id))?.notes.length, 1);
    await orders.markFailed(accountId, one._id, { ...again, message: 'Timed out', runId: 'run-1' });
    await orders.markFailed(accountId, one._id, { ...again, runId: 'run-2' });
    assert.deepEqual(
      (await orders.get(accountId, one._id))?.notes.map((n) => [n.runId, n.text.slice(0, 20)]),
      [
        ['run-1', 'Sync failed: Custome'],
        ['run-1', 'Sync failed: Timed o'],
        ['run-2', 'Sync failed: Custome'],
      ],
    );
    assert.equal(await orders.markFailed(newId('acc'), one._id, { ...again, runId: 'run-3' }), null);

    assert.equal(await orders.markForExport(accountId, { filter: { state: 'failed' } }), 1);
    assert.equal((await orders.get(accountId, one._id))?.sync.state, 'pending');
    await assert.rejects(
      store.records.projects.markForExport(accountId, { ids: [] }),
      UnsupportedOperationError,
    );
  });

  it('keeps the first push intent, clears it on success, and stays pending when edited mid-push', async () => {
    const accountId = newId('acc');
    const refs = await seedRefs(store, accountId);
    const invoices = store.records.invoices;
    const invoice = await invoices.create(accountId, validInput('invoices', refs));
    await invoices.markForExport(accountId, { ids: [invoice._id] });

    const first = await invoices.recordPushIntent(accountId, invoice._id, {
      externalRef: invoice.externalRef,
      runId: 'run-1',
      rev: 2,
    });
    assert.equal(first?.created, true);
    const retry = await invoices.recordPushIntent(accountId, invoice._id, {
      externalRef: invoice.externalRef,
      runId: 'run-2',
      rev: 3,
    });
    assert.equal(retry?.created, false);
    assert.equal(retry?.intent.runId, 'run-1', 'a retry sees the original intent');

    const read = await invoices.get(accountId, invoice._id);
    assert.ok(read);
    await invoices.update(accountId, invoice._id, { description: 'edited while pushing' });
    const state = await invoices.markSynced(accountId, invoice._id, {
      externalId: 'INV/AR000101',
      acumaticaId: 'guid-inv',
      acumaticaModifiedAt: new Date(),
      hash: 'payload-hash',
      pushedRev: read.rev!,
    });
    assert.equal(state, 'pending', 'the newer edit must go out next run');
    const afterRace = await invoices.get(accountId, invoice._id);
    assert.equal(afterRace?.sync.externalId, 'INV/AR000101');
    assert.equal(afterRace?.sync.pushIntent, undefined);

    const again = await invoices.get(accountId, invoice._id);
    assert.ok(again);
    const synced = await invoices.markSynced(accountId, invoice._id, {
      externalId: 'INV/AR000101',
      acumaticaId: 'guid-inv',
      hash: 'payload-hash-2',
      pushedRev: again.rev!,
    });
    assert.equal(synced, 'synced');
    const final = await invoices.get(accountId, invoice._id);
    assert.equal(final ? externalIdDisplay(final.sync) : null, 'INV/AR000101');
    assert.equal(final?.sync.lastSyncedHash, 'payload-hash-2');
    assert.equal(await invoices.findByExternalId(accountId, 'INV/AR000101').then((r) => r?._id), invoice._id);
    assert.equal(await invoices.findByAcumaticaId(accountId, 'guid-inv').then((r) => r?._id), invoice._id);
  });

  it('lists push candidates: pending only, or all for a full run', async () => {
    const accountId = newId('acc');
    const refs = await seedRefs(store, accountId);
    const products = store.records.products;
    const extra = await products.create(accountId, validInput('products', refs, 9));
    await products.markForExport(accountId, { ids: [extra._id] });
    const pending = await products.listPushCandidates(accountId, { scope: 'pending' });
    assert.deepEqual(
      pending.items.map((p) => p._id),
      [extra._id],
    );
    const all = await products.listPushCandidates(accountId, { scope: 'all', limit: 1 });
    assert.equal(all.items.length, 1);
    assert.ok(all.nextCursor);
    const rest = await products.listPushCandidates(accountId, { scope: 'all', after: all.nextCursor });
    assert.deepEqual(
      [...all.items, ...rest.items].map((p) => p._id).sort(),
      [refs.productId, extra._id].sort(),
    );
  });

  it('adds user notes', async () => {
    const accountId = newId('acc');
    const refs = await seedRefs(store, accountId);
    assert.equal(
      await store.records.customers.addNote(accountId, refs.customerId, {
        text: 'Gate code 1234',
        author: 'user',
      }),
      true,
    );
    const customer = await store.records.customers.get(accountId, refs.customerId);
    assert.equal(customer?.notes[0]?.text, 'Gate code 1234');
    assert.equal(customer?.notes[0]?.author, 'user');
  });
});

describe('records: pulled from Acumatica', () => {
  it('creates, then overwrites only when Acumatica is newer and different', async () => {
    let clock = new Date('2024-03-01T10:00:00Z');
    const local = await openTestDb(() => clock);
    try {
      const accountId = newId('acc');
      const customers = local.store.records.customers;
      const none = { customerId: '', vendorId: '', productId: '', serviceId: '' };
      const base = validInput('customers', none, 7);
      const pulled = {
        acumaticaId: 'b1f5c1a0-0000-0000-0000-000000000001',
        externalId: 'C000777',
        acumaticaModifiedAt: new Date('2024-03-01T09:00:00Z'),
        hash: 'v1',
        fields: base,
      };
      const created = await customers.applyPulled(accountId, pulled);
      assert.equal(created.outcome, 'created');
      const record = await customers.get(accountId, created.id);
      assert.equal(record?.sync.state, 'synced');
      assert.equal(record ? externalIdDisplay(record.sync) : null, 'C000777');

      assert.deepEqual(await customers.applyPulled(accountId, pulled), {
        outcome: 'unchanged',
        id: created.id,
        reason: 'identical',
      });
      clock = new Date('2024-03-01T11:00:00Z');
      const changed = {
        ...pulled,
        acumaticaModifiedAt: new Date('2024-03-01T10:30:00Z'),
        hash: 'v2',
        fields: { ...base, name: 'Renamed in ERP' },
      };
      assert.equal((await customers.applyPulled(accountId, changed)).outcome, 'updated');
      assert.equal((await customers.get(accountId, created.id))?.name, 'Renamed in ERP');
      assert.equal((await customers.get(accountId, created.id))?.locations[0]?.address.latitude, 39.78);

      // A local edit newer than Acumatica's next change wins.
      clock = new Date('2024-03-01T12:00:00Z');
      await customers.update(accountId, created.id, { name: 'Edited locally' });
      const older = {
        ...changed,
        acumaticaModifiedAt: new Date('2024-03-01T11:30:00Z'),
        hash: 'v3',
        fields: { ...base, name: 'ERP again' },
      };
      assert.deepEqual(await customers.applyPulled(accountId, older), {
        outcome: 'unchanged',
        id: created.id,
        reason: 'local-newer',
      });
      assert.equal((await customers.get(accountId, created.id))?.name, 'Edited locally');

      // A newer Acumatica change overwrites the local edit, with a note saying so.
      const newer = {
        ...older,
        acumaticaModifiedAt: new Date('2024-03-01T12:30:00Z'),
        hash: 'v4',
        fields: { ...base, name: 'ERP wins' },
      };
      clock = new Date('2024-03-01T13:00:00Z');
      assert.equal((await customers.applyPulled(accountId, newer)).outcome, 'updated');
      const overwritten = await customers.get(accountId, created.id);
      assert.equal(overwritten?.name, 'ERP wins');
      assert.match(overwritten?.notes.at(-1)?.text ?? '', /replaced local changes/);

      // The same Acumatica record in another account is another record.
      const other = newId('acc');
      const elsewhere = await customers.applyPulled(other, pulled);
      assert.equal(elsewhere.outcome, 'created');
      assert.notEqual(elsewhere.id, created.id);
    } finally {
      await local.close();
    }
  });

  it('finds a pushed document by its external ref instead of creating a duplicate', async () => {
    const accountId = newId('acc');
    const refs = await seedRefs(store, accountId);
    const orders = store.records['work-orders'];
    const order = await orders.create(accountId, validInput('work-orders', refs));
    const result = await orders.applyPulled(accountId, {
      acumaticaId: 'guid-wo',
      externalId: 'MRO/SO000042',
      acumaticaModifiedAt: new Date(Date.now() + 60_000),
      hash: 'h',
      externalRef: order.externalRef,
      fields: { ...validInput('work-orders', refs), status: 'COMPLETED' },
    });
    assert.deepEqual(
      [result.outcome, result.id, result.written],
      ['updated', order._id, { status: 'COMPLETED' }],
    );
    assert.equal(await orders.count(accountId), 1);
    assert.equal((await orders.get(accountId, order._id))?.sync.externalId, 'MRO/SO000042');
  });

  it('creates a pulled record once even when two pulls race', async () => {
    const accountId = newId('acc');
    const vendors = store.records.vendors;
    const input = {
      acumaticaId: 'guid-race',
      externalId: 'V000001',
      acumaticaModifiedAt: new Date(),
      hash: 'h',
      fields: validInput('vendors', { customerId: '', vendorId: '', productId: '', serviceId: '' }),
    };
    const results = await Promise.all([
      vendors.applyPulled(accountId, input),
      vendors.applyPulled(accountId, input),
    ]);
    assert.deepEqual(results.map((r) => r.outcome).sort(), ['created', 'unchanged']);
    assert.equal(await vendors.count(accountId), 1);
  });

  it('inserts a page of new pulled records in one command; taken or invalid ones come back as null', async () => {
    const accountId = newId('acc');
    const customers = store.records.customers;
    const none = { customerId: '', vendorId: '', productId: '', serviceId: '' };
    const pulled = (n: number, fields: object = validInput('customers', none, n)) => ({
      acumaticaId: `0b7c0000-0000-0000-0000-${String(n).padStart(12, '0')}`,
      externalId: `C${String(n).padStart(6, '0')}`,
      acumaticaModifiedAt: new Date('2024-03-01T09:00:00Z'),
      hash: `h${n}`,
      fields: fields as never,
    });
    // One already there (a racing pull inserted it), one whose fields are invalid, one twice in the batch.
    const raced = await customers.applyPulled(accountId, pulled(2));
    assert.equal(raced.outcome, 'created');
    const batch = [pulled(1), pulled(2), pulled(3, { name: '' }), pulled(4), pulled(4), pulled(5)];
    const ids = await customers.insertPulledMany(accountId, batch);
    assert.equal(ids.length, batch.length);
    assert.equal(ids[1], null, 'already inserted');
    assert.equal(ids[2], null, 'invalid fields');
    assert.equal([ids[3], ids[4]].filter((id) => id !== null).length, 1, 'the same record twice: one insert');
    for (const i of [0, 5]) {
      const record = await customers.get(accountId, ids[i]!);
      assert.equal(record?.sync.state, 'synced');
      assert.equal(record?.sync.externalId, batch[i]!.externalId);
      assert.equal(record?.sync.lastSyncedHash, batch[i]!.hash);
    }
    assert.equal(await customers.count(accountId), 4);
    // The one-by-one path reports why the invalid one was not inserted.
    await assert.rejects(customers.applyPulled(accountId, batch[2]!), ValidationError);
    assert.deepEqual(await customers.insertPulledMany(accountId, []), []);
  });
});
