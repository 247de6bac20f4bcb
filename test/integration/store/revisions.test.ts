/**
 * The revision rules on the real store: every write advances `rev`; the worker's write-backs apply only to
 * the revision they read, so an edit made meanwhile is kept (and stays pending, with the Acumatica key
 * stored); a pull racing a local edit decides again on the edited record; If-Match answers 412.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recordCollectionName } from '../../../store/db';
import { PreconditionFailedError } from '../../../store/errors';
import { newId } from '../../../store/ids';
import type { Store } from '../../../store/index';
import { customerInput } from '../../helpers/records';
import { accountBody, bearer, createAccount, setupApi, type ApiTestEnv } from '../api/helpers';
import { seedRefs, validInput } from './fixtures';
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

describe('revisions: every write advances the revision', () => {
  it('starts at 1, advances on edits, marks, notes and push outcomes, and answers what was stored', async () => {
    const accountId = newId('acc');
    const customers = store.records.customers;
    const created = await customers.create(accountId, customerInput());
    assert.equal(created.rev, 1);
    const edited = await customers.update(accountId, created._id, { name: 'Edited' });
    assert.equal(edited?.rev, 2);
    assert.deepEqual(edited, await customers.get(accountId, created._id), 'the answer is the stored record');
    const unchanged = await customers.update(accountId, created._id, { name: 'Edited' });
    assert.equal(unchanged?.rev, 2, 'a patch that changes nothing writes nothing');
    await customers.markForExport(accountId, { ids: [created._id] });
    assert.equal((await customers.get(accountId, created._id))?.rev, 3);
    await customers.addNote(accountId, created._id, { text: 'hello', author: 'user' });
    assert.equal((await customers.get(accountId, created._id))?.rev, 4);
    assert.equal(
      await customers.markSynced(accountId, created._id, {
        externalId: 'C1',
        acumaticaId: 'g1',
        hash: 'h',
        pushedRev: 4,
      }),
      'synced',
    );
    assert.equal((await customers.get(accountId, created._id))?.rev, 5);
    await assert.rejects(
      customers.update(
        accountId,
        created._id,
        { name: 'Stale' },
        { ifMatch: { any: false, revisions: [4] } },
      ),
      PreconditionFailedError,
    );
    assert.equal((await customers.get(accountId, created._id))?.name, 'Edited');
  });

  it('treats a record stored before revisions existed as revision 0', async () => {
    const accountId = newId('acc');
    const customers = store.records.customers;
    const created = await customers.create(accountId, customerInput());
    await env.db
      .collection<{ _id: string }>(recordCollectionName('customers'))
      .updateOne({ _id: created._id }, { $unset: { rev: '' } });
    const legacy = await customers.get(accountId, created._id);
    assert.equal(legacy?.rev, undefined);
    assert.equal(
      await customers.markFailed(accountId, created._id, { message: 'boom', code: 'x', runId: 'r', rev: 0 }),
      'failed',
      'a write-back that read revision 0 applies to a record without one',
    );
    const edited = await customers.update(accountId, created._id, { name: 'After upgrade' });
    assert.equal(edited?.rev, 2);
  });

  it('keeps every one of many concurrent edits of one record (no lost update)', async () => {
    const accountId = newId('acc');
    const customers = store.records.customers;
    const created = await customers.create(accountId, customerInput());
    const fields = ['name', 'email', 'phone', 'terms', 'currency', 'status'] as const;
    const values = ['Renamed', 'edit-1@example.com', '555-0101', 'NET30', 'EUR', 'INACTIVE'];
    const answers = await Promise.all(
      fields.map((field, i) => customers.update(accountId, created._id, { [field]: values[i] } as never)),
    );
    const stored = (await customers.get(accountId, created._id)) as unknown as Record<string, unknown>;
    fields.forEach((field, i) => assert.equal(stored[field], values[i], `${field} kept`));
    assert.equal(stored.rev, 1 + fields.length);
    const revs = answers.map((a) => a?.rev).sort((a, b) => (a ?? 0) - (b ?? 0));
    assert.deepEqual(
      revs,
      fields.map((_, i) => i + 2),
      'each answer is a distinct revision',
    );
  });
});

describe('revisions: worker write-backs keep edits made meanwhile', () => {
  it('an invoice edited while its create was in flight stays pending, with the new document key stored', async () => {
    const accountId = newId('acc');
    const refs = await seedRefs(store, accountId);
    const invoices = store.records.invoices;
    const invoice = await invoices.create(accountId, validInput('invoices', refs));
    await invoices.markForExport(accountId, { ids: [invoice._id] });
    const read = (await invoices.get(accountId, invoice._id))!;
    const intent = await invoices.recordPushIntent(accountId, invoice._id, {
      externalRef: read.externalRef,
      runId: 'run-1',
      rev: read.rev!,
    });
    assert.equal(intent?.rev, read.rev! + 1, 'the push continues from the revision its intent wrote');

    // The user saves while the PUT is in flight.
    const edited = await invoices.update(accountId, invoice._id, { description: 'saved during the push' });
    const state = await invoices.markSynced(accountId, invoice._id, {
      externalId: 'INV/AR000777',
      acumaticaId: 'guid-777',
      acumaticaModifiedAt: new Date(),
      hash: 'pushed-hash',
      pushedRev: intent!.rev,
    });
    assert.equal(state, 'pending');
    const after = (await invoices.get(accountId, invoice._id))!;
    assert.equal(after.description, 'saved during the push', 'the edit is kept');
    assert.equal(after.sync.state, 'pending', 'the next run pushes what the user last saved');
    assert.equal(after.sync.externalId, 'INV/AR000777', 'the created document is not created again');
    assert.equal(after.sync.acumaticaId, 'guid-777');
    assert.equal(after.sync.pushIntent, undefined);
    assert.equal(after.sync.lastSyncedAt, undefined, 'the edit still counts as local against a pull');
    assert.equal(after.rev, edited!.rev! + 1);
  });

  it('the push intent is still recorded when the record changed after the push read it', async () => {
    const accountId = newId('acc');
    const refs = await seedRefs(store, accountId);
    const invoices = store.records.invoices;
    const invoice = await invoices.create(accountId, validInput('invoices', refs));
    await invoices.update(accountId, invoice._id, { description: 'edited before the intent' });
    const recorded = await invoices.recordPushIntent(accountId, invoice._id, {
      externalRef: invoice.externalRef,
      runId: 'run-1',
      rev: invoice.rev!,
    });
    assert.equal(recorded?.created, true, 'the create stays guarded');
    assert.equal(recorded?.rev, invoice.rev, 'the write-back will see the edit');
    assert.equal(
      await invoices.markSynced(accountId, invoice._id, {
        externalId: 'INV/AR000778',
        acumaticaId: 'g',
        hash: 'h',
        pushedRev: recorded!.rev,
      }),
      'pending',
    );
  });

  it('a page records the intents of its creates at once, leaving out records edited since it read them', async () => {
    const accountId = newId('acc');
    const refs = await seedRefs(store, accountId);
    const invoices = store.records.invoices;
    const made = [];
    for (let i = 0; i < 4; i++) made.push(await invoices.create(accountId, validInput('invoices', refs)));
    const [first, edited, withIntent, last] = made as [
      (typeof made)[0],
      (typeof made)[0],
      (typeof made)[0],
      (typeof made)[0],
    ];
    const earlier = await invoices.recordPushIntent(accountId, withIntent._id, {
      externalRef: withIntent.externalRef,
      runId: 'run-0',
      rev: withIntent.rev!,
    });
    await invoices.update(accountId, edited._id, { description: 'edited after the page was read' });
    const wanted = (runId: string) =>
      [first, edited, withIntent, last].map((r) => ({
        id: r._id,
        externalRef: r.externalRef,
        runId,
        rev: r.rev!,
      }));
    const recorded = await invoices.recordPushIntents(accountId, wanted('run-1'));
    assert.deepEqual([...recorded.keys()].sort(), [first._id, last._id].sort());
    for (const r of [first, last]) {
      assert.equal(recorded.get(r._id)?.rev, r.rev! + 1, 'the write-back expects the revision of the intent');
      const stored = (await invoices.get(accountId, r._id))!;
      assert.equal(stored.sync.pushIntent?.runId, 'run-1');
      assert.equal(stored.sync.pushIntent?.externalRef, r.externalRef);
    }
    assert.equal((await invoices.get(accountId, edited._id))?.sync.pushIntent, undefined);
    assert.equal(
      (await invoices.get(accountId, withIntent._id))?.sync.pushIntent?.runId,
      earlier?.intent.runId,
      'an earlier intent is kept: its create may have happened',
    );
    const all = await invoices.recordPushIntents(accountId, wanted('run-2').slice(0, 1));
    assert.equal(all.size, 0, 'a record whose intent is recorded does not get another');
  });

  it('a rejected push of a record edited meanwhile stays pending (the edit may be the fix)', async () => {
    const accountId = newId('acc');
    const customers = store.records.customers;
    const record = await customers.create(accountId, customerInput());
    await customers.markForExport(accountId, { ids: [record._id] });
    const read = (await customers.get(accountId, record._id))!;
    await customers.update(accountId, record._id, { email: 'fixed@example.com' });
    const state = await customers.markFailed(accountId, record._id, {
      message: 'Email is invalid',
      code: 'rejected',
      runId: 'run-1',
      rev: read.rev!,
    });
    assert.equal(state, 'pending');
    const after = (await customers.get(accountId, record._id))!;
    assert.equal(after.email, 'fixed@example.com');
    assert.equal(after.sync.lastError?.message, 'Email is invalid');
    assert.ok(after.notes.some((n) => n.text === 'Sync failed: Email is invalid'));

    // Not edited meanwhile: failed.
    const again = (await customers.get(accountId, record._id))!;
    assert.equal(
      await customers.markFailed(accountId, record._id, {
        message: 'Still invalid',
        code: 'rejected',
        runId: 'run-2',
        rev: again.rev!,
      }),
      'failed',
    );
  });

  it('a batch of push outcomes keeps the compare-and-set of each record: edited ones stay pending, deleted ones are reported', async () => {
    const accountId = newId('acc');
    const customers = store.records.customers;
    const made = [];
    for (let i = 0; i < 5; i++)
      made.push(await customers.create(accountId, customerInput({ name: `C${i}` })));
    await customers.markForExport(accountId, { ids: made.map((c) => c._id) });
    const read = await customers.getMany(
      accountId,
      made.map((c) => c._id),
    );
    const revOf = new Map(read.map((r) => [r._id, r.rev!]));
    const [clean, edited, deleted, unguarded, alsoClean] = made.map((c) => c._id) as [
      string,
      string,
      string,
      string,
      string,
    ];
    // While the PUTs were in flight: one record edited, one deleted.
    await customers.update(accountId, edited, { name: 'saved during the push' });
    await customers.delete(accountId, deleted);
    const outcome = (id: string, guard: boolean) => ({
      id,
      externalId: `K-${id}`,
      acumaticaId: `g-${id}`,
      hash: `h-${id}`,
      ...(guard ? { pushedRev: revOf.get(id)! } : {}),
    });
    const states = await customers.markSyncedMany(accountId, [
      outcome(clean, true),
      outcome(edited, true),
      outcome(deleted, true),
      outcome(unguarded, false),
      outcome(alsoClean, true),
    ]);
    assert.deepEqual(Object.fromEntries(states), {
      [clean]: 'synced',
      [edited]: 'pending',
      [deleted]: null,
      [unguarded]: 'synced',
      [alsoClean]: 'synced',
    });
    const after = new Map(
      (await customers.getMany(accountId, [clean, edited, unguarded, alsoClean])).map((r) => [r._id, r]),
    );
    for (const id of [clean, unguarded, alsoClean]) {
      const r = after.get(id)!;
      assert.equal(r.sync.state, 'synced');
      assert.equal(r.sync.externalId, `K-${id}`);
      assert.equal(r.rev, revOf.get(id)! + 1, 'one write per record');
    }
    const kept = after.get(edited)!;
    assert.equal(kept.name, 'saved during the push', 'the edit is kept');
    assert.equal(kept.sync.state, 'pending', 'the next run pushes what the user last saved');
    assert.equal(kept.sync.externalId, `K-${edited}`, 'the key is stored all the same');
    assert.equal(await customers.get(accountId, deleted), null, 'a deleted record is not written back');
  });

  it('a pull that read the record before a local edit decides again and keeps the newer edit', async () => {
    const accountId = newId('acc');
    const customers = store.records.customers;
    const created = await customers.create(accountId, customerInput());
    await customers.markSynced(accountId, created._id, {
      externalId: 'C000900',
      acumaticaId: 'guid-900',
      acumaticaModifiedAt: new Date(Date.now() - 60_000),
      hash: 'h0',
    });
    const seenByPull = (await customers.get(accountId, created._id))!;
    const erpModified = new Date();
    // The local edit lands after the pull read the record and after the ERP change.
    await new Promise((r) => setImmediate(r));
    const edited = await customers.update(accountId, created._id, { name: 'Local edit' });
    assert.ok(edited!.updatedAt.getTime() >= erpModified.getTime());
    const result = await customers.applyPulled(
      accountId,
      {
        acumaticaId: 'guid-900',
        externalId: 'C000900',
        acumaticaModifiedAt: new Date(erpModified.getTime() - 1),
        hash: 'h-erp',
        fields: { name: 'ERP name' } as never,
      },
      seenByPull,
    );
    assert.deepEqual(result, { outcome: 'unchanged', id: created._id, reason: 'local-newer' });
    const after = (await customers.get(accountId, created._id))!;
    assert.equal(after.name, 'Local edit');
  });
});

describe('revisions: If-Match on the HTTP API', () => {
  let api: ApiTestEnv;
  before(async () => {
    api = await setupApi();
  });
  after(async () => {
    await api.close();
  });

  it('sends the revision as ETag and answers 412 to a PATCH of another revision, changing nothing', async () => {
    const account = await createAccount(api.app, accountBody());
    const headers = bearer(account.apiKey);
    const url = `/accounts/${account.id}/records/customers`;
    const created = await api.app.inject({ method: 'POST', url, headers, payload: customerInput() });
    assert.equal(created.statusCode, 201);
    assert.equal(created.headers.etag, '"1"');
    const { id, rev } = created.json<{ id: string; rev: number }>();
    assert.equal(rev, 1);

    const first = await api.app.inject({
      method: 'PATCH',
      url: `${url}/${id}`,
      headers: { ...headers, 'if-match': '"1"' },
      payload: { name: 'First writer' },
    });
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers.etag, '"2"');
    assert.equal(first.json<{ rev: number; name: string }>().rev, 2);

    const stale = await api.app.inject({
      method: 'PATCH',
      url: `${url}/${id}`,
      headers: { ...headers, 'if-match': '"1"' },
      payload: { name: 'Second writer, stale' },
    });
    assert.equal(stale.statusCode, 412);
    assert.equal(stale.json<{ error: { code: string } }>().error.code, 'precondition_failed');
    const read = await api.app.inject({ method: 'GET', url: `${url}/${id}`, headers });
    assert.equal(read.headers.etag, '"2"');
    assert.equal(read.json<{ name: string }>().name, 'First writer', 'the stale PATCH changed nothing');

    const star = await api.app.inject({
      method: 'PATCH',
      url: `${url}/${id}`,
      headers: { ...headers, 'if-match': '*' },
      payload: { name: 'Any revision' },
    });
    assert.equal(star.statusCode, 200);
    const bad = await api.app.inject({
      method: 'PATCH',
      url: `${url}/${id}`,
      headers: { ...headers, 'if-match': '2' },
      payload: { name: 'Unquoted' },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json<{ error: { code: string } }>().error.code, 'invalid_if_match');
  });
});
