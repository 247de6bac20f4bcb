import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, ObjectId, type Collection, type Db, type Document, type Filter } from 'mongodb';
import { freePort, mongoUrl, startFerretDB } from '../../../scripts/stack';
import { ensureTools } from '../../../scripts/tools';
import { ENTITY_TYPES } from '../../../core/entities';
import { ensureIndexes, recordCollectionName, servedByFerretDB } from '../../../store/db';

// The store's per-page queries must read an index, not the whole collection, or every page of a sync costs
// O(collection). Stock FerretDB v1 hands SQLite only a bare `_id` filter; the project builds it with
// scripts/ferretdb/0002-index-filter-pushdown.patch, which turns string equality and `$in` on indexed fields
// into SQL the indexes serve. These check the running server's query plans, and that the pushed-down
// queries return exactly what a full evaluation in Go returns.

interface Rec {
  _id: string;
  accountId: unknown;
  externalRef?: unknown;
  updatedAt?: Date;
  sync?: unknown;
}

const ACCOUNTS = ['acc_a', 'acc_b', 'acc_c'];
const STATES = ['none', 'pending', 'synced', 'failed'];
/** Escaped differently by JSON encoders: the pushed-down value must still be found. */
const ODD_ACCOUNT = 'acc <&> "quoted" é \u2028 ✓';

let mongo: MongoClient;
let db: Db;
let ferret: boolean;

before(async () => {
  mongo = new MongoClient(process.env.MONGODB_URL!);
  db = mongo.db(`pushdown_${process.pid}`);
  ferret = await servedByFerretDB(db);
});

after(async () => {
  await db.dropDatabase();
  await mongo.close();
});

/** A record collection with the store's own indexes (store/db.ts), seeded with `count` records. */
async function seeded(type: (typeof ENTITY_TYPES)[number], count: number): Promise<Collection<Rec>> {
  await ensureIndexes(db);
  const col = db.collection<Rec>(recordCollectionName(type));
  const docs: Rec[] = [];
  for (let n = 0; n < count; n++) {
    const sync: Record<string, unknown> = { state: STATES[n % STATES.length] };
    // Records without an Acumatica key or id, and without an external ref, as the store has them.
    if (n % 5 !== 0) sync.externalId = `KEY${n}`;
    if (n % 7 !== 0) sync.acumaticaId = `guid-${n}`;
    const doc: Rec = {
      _id: `rec_${String(n).padStart(6, '0')}`,
      accountId: ACCOUNTS[n % ACCOUNTS.length],
      sync,
    };
    if (n % 11 !== 0) doc.externalRef = `REF-${n}`;
    docs.push(doc);
  }
  docs.push({ _id: 'rec_odd', accountId: ODD_ACCOUNT, externalRef: 'REF-odd', sync: { state: 'pending' } });
  await col.insertMany(docs);
  return col;
}

/** The query shapes of store/records/, for account `acc_a`. */
function storeShapes() {
  const account = 'acc_a';
  return {
    // listPushCandidates (scope pending), second page: toQuery + page's keyset condition.
    pushCandidates: {
      $and: [
        { $and: [{ accountId: account }, { 'sync.state': { $in: ['pending'] } }] },
        { _id: { $gt: 'rec_000300' } },
      ],
    },
    // listPushCandidates (scope all), second page.
    allCandidates: { $and: [{ accountId: account }, { _id: { $gt: 'rec_000300' } }] },
    // list by several states (toQuery with a state list).
    listByStates: { $and: [{ accountId: account }, { 'sync.state': { $in: ['pending', 'failed'] } }] },
    // findPulledMatches: a page of pulled records matched by Acumatica id, key or external ref.
    pullMatch: {
      accountId: account,
      $or: [
        { 'sync.acumaticaId': { $in: ['guid-3', 'guid-6', 'guid-999999'] } },
        { 'sync.externalId': { $in: ['KEY9', 'KEY12', 'KEY10'] } },
        { externalRef: { $in: ['REF-15', 'REF-18', 'REF-1'] } },
      ],
    },
    // findByExternalIds: Acumaka-key resolution for a page.
    keyResolution: {
      accountId: account,
      'sync.externalId': { $in: ['KEY3', 'KEY6', 'KEY30', 'KEY4', 'nope'] },
    },
    // findByExternalId.
    oneKey: { accountId: account, 'sync.externalId': 'KEY21' },
    // findByIds on MongoDB (`_id` `$in` next to the account).
    byIds: { accountId: account, _id: { $in: ['rec_000003', 'rec_000004', 'rec_000006'] } },
  } satisfies Record<string, Filter<Rec>>;
}

/** Plan steps of a find, as FerretDB reports SQLite's EXPLAIN QUERY PLAN (or MongoDB's winning plan). */
async function planOf(col: Collection<Rec>, filter: Filter<Rec>): Promise<string[]> {
  const plan = (await col.find(filter).sort({ _id: 1 }).limit(50).explain()) as {
    queryPlanner?: { Plan?: string[]; winningPlan?: unknown };
  };
  if (ferret) return plan.queryPlanner?.Plan ?? [];
  return [JSON.stringify(plan.queryPlanner?.winningPlan)];
}

function scansTable(steps: string[]): boolean {
  return ferret ? steps.some((s) => /\bSCAN\b/.test(s)) : steps.some((s) => s.includes('COLLSCAN'));
}

function usesIndex(steps: string[]): boolean {
  return ferret
    ? steps.some((s) => /SEARCH .* USING INDEX/.test(s))
    : steps.some((s) => s.includes('IXSCAN'));
}

/**
 * The same filter evaluated without pushdown: the backend hands SQLite nothing under a double `$nor`, so
 * FerretDB reads every document and evaluates the filter in Go, as the unpatched server does.
 */
async function unpushed(col: Collection<Rec>, filter: Filter<Rec>): Promise<string[]> {
  const docs = await col.find({ $nor: [{ $nor: [filter] }] } as Filter<Rec>).toArray();
  return docs.map((d) => d._id).sort();
}

async function ids(col: Collection<Rec>, filter: Filter<Rec>): Promise<string[]> {
  return (await col.find(filter).toArray()).map((d) => d._id).sort();
}

test('every per-page query shape of the store is served from an index and returns what a full evaluation returns', async () => {
  const col = await seeded(ENTITY_TYPES[0], 3_000);
  for (const [shape, filter] of Object.entries(storeShapes())) {
    const steps = await planOf(col, filter);
    assert.ok(usesIndex(steps), `${shape}: expected an index search, got ${JSON.stringify(steps)}`);
    assert.ok(!scansTable(steps), `${shape}: no table scan, got ${JSON.stringify(steps)}`);
    const expected = await unpushed(col, filter);
    assert.ok(expected.length > 0, `${shape}: the fixture has matches`);
    assert.deepEqual(await ids(col, filter), expected, `${shape}: same documents as a full evaluation`);
  }
  if (ferret) {
    // The reference really is the unpushed evaluation.
    const steps = await planOf(col, { $nor: [{ $nor: [storeShapes().keyResolution] }] } as Filter<Rec>);
    assert.ok(scansTable(steps), `the double $nor is not pushed down: ${JSON.stringify(steps)}`);
  }
  // The pull match distributes the account over the branches, so each branch searches its own index.
  const pull = (await planOf(col, storeShapes().pullMatch)).join('\n');
  if (ferret) {
    for (const index of ['account_acumatica_id', 'account_external_id', 'account_external_ref']) {
      assert.match(pull, new RegExp(`USING INDEX \\S*${index}`), `pull match searches ${index}: ${pull}`);
    }
  }
});

/** MongoDB's order of strings: by UTF-8 bytes. */
function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Every id of the account's documents in `state`, read as the store pages them (`_id > last`, limit). */
async function keysetPages(col: Collection<Rec>, account: string, state: string, pageSize: number) {
  const seen: string[] = [];
  for (let after: string | undefined; ;) {
    const scope: Filter<Rec> = { $and: [{ accountId: account }, { 'sync.state': { $in: [state] } }] };
    const filter = after ? ({ $and: [scope, { _id: { $gt: after } }] } as Filter<Rec>) : scope;
    const page = (
      await col
        .find(filter)
        .sort({ _id: 1 })
        .limit(pageSize + 1)
        .toArray()
    ).map((d) => d._id);
    seen.push(...page.slice(0, pageSize));
    if (page.length <= pageSize) return seen;
    after = page[pageSize - 1];
  }
}

test('a keyset page (`_id > after`, sorted by `_id`, limited) reads one page through the index', async () => {
  const col = db.collection<Rec>(recordCollectionName(ENTITY_TYPES[0]));
  for (const shape of ['pushCandidates', 'allCandidates'] as const) {
    const steps = await planOf(col, storeShapes()[shape]);
    assert.ok(usesIndex(steps) && !scansTable(steps), `${shape}: index search: ${JSON.stringify(steps)}`);
    if (ferret) {
      // The index gives the order: no sort of every match, so the limit stops the reading.
      assert.ok(
        !steps.some((s) => /TEMP B-TREE/.test(s)),
        `${shape}: no sort step: ${JSON.stringify(steps)}`,
      );
      assert.ok(
        steps.some((s) => /<expr>>\?/.test(s)),
        `${shape}: the _id bound is searched: ${JSON.stringify(steps)}`,
      );
    }
  }
  const expected = (
    await col.find({ $nor: [{ $nor: [{ accountId: 'acc_a', 'sync.state': 'pending' }] }] }).toArray()
  )
    .map((d) => d._id)
    .sort(byBytes);
  assert.ok(expected.length > 200);
  assert.deepEqual(
    await keysetPages(col, 'acc_a', 'pending', 37),
    expected,
    'every record once, in _id order',
  );
  const last = await col.find(storeShapes().pushCandidates).sort({ _id: -1 }).limit(3).toArray();
  assert.deepEqual(
    last.map((d) => d._id),
    expected.slice(-3).reverse(),
    'descending order too',
  );
});

test('ids whose stored text sorts differently (spaces, escaped characters, ObjectIds) are still paged in MongoDB order', async () => {
  await ensureIndexes(db);
  const col = db.collection<Rec>(recordCollectionName(ENTITY_TYPES[3]));
  const oddIds = ['a', 'a b', 'a!', 'a"', 'a#', 'a<', 'aB', 'a\\', 'a\u2028', 'ab', 'A', 'a&', 'é', 'z'];
  // Order-safe ids first: paging is pushed down; the others, written afterwards, must end that.
  const safe = oddIds.filter((id) => /^[#-~é]+$/.test(id) && !/[<>&\\]/.test(id));
  const insert = (list: string[]) =>
    col.insertMany(list.map((_id) => ({ _id, accountId: 'acc_a', sync: { state: 'pending' } })));
  await insert(safe);
  assert.deepEqual(await keysetPages(col, 'acc_a', 'pending', 3), [...safe].sort(byBytes));
  if (ferret) assert.ok(!(await planOf(col, { accountId: 'acc_a' })).some((s) => /TEMP B-TREE/.test(s)));
  await insert(oddIds.filter((id) => !safe.includes(id)));
  assert.deepEqual(await keysetPages(col, 'acc_a', 'pending', 3), [...oddIds].sort(byBytes));
  // An ObjectId sorts after every string in MongoDB, though SQLite stores it as a hex string.
  const mixed = db.collection(recordCollectionName(ENTITY_TYPES[4]));
  const { insertedId } = await mixed.insertOne({ accountId: 'acc_b', sync: { state: 'pending' } });
  await mixed.insertOne({ _id: 'ffffff' as never, accountId: 'acc_b', sync: { state: 'pending' } });
  const firstTwo = await mixed.find({ accountId: 'acc_b' }).sort({ _id: 1 }).limit(2).toArray();
  assert.deepEqual(
    firstTwo.map((d) => String(d._id)),
    ['ffffff', insertedId.toHexString()],
  );
});

test('an $in with more values than SQLite takes as parameters is answered, not refused', async () => {
  const col = db.collection(recordCollectionName(ENTITY_TYPES[4]));
  const accounts = ['acc_b', ...Array.from({ length: 33_000 }, (_, n) => `other_${n}`)];
  const found = await col.find({ accountId: { $in: accounts }, 'sync.state': 'pending' }).toArray();
  assert.equal(found.length, 2);
});

test('a value that JSON encoders escape is found through the index', async () => {
  const col = db.collection<Rec>(recordCollectionName(ENTITY_TYPES[0]));
  const filter: Filter<Rec> = { accountId: ODD_ACCOUNT, 'sync.state': 'pending' };
  const steps = await planOf(col, filter);
  assert.ok(usesIndex(steps) && !scansTable(steps), `index search: ${JSON.stringify(steps)}`);
  assert.deepEqual(await ids(col, filter), ['rec_odd']);
});

test('documents holding arrays still match as on MongoDB: pushdown stops for the fields concerned', async () => {
  const col = await seeded(ENTITY_TYPES[1], 600);
  const byRef: Filter<Rec> = { accountId: 'acc_a', externalRef: { $in: ['REF-3', 'REF-shared'] } };
  const byState: Filter<Rec> = { accountId: 'acc_b', 'sync.state': 'pending' };
  const byKey: Filter<Rec> = { accountId: 'acc_a', 'sync.externalId': { $in: ['KEY3', 'KEY-in-array'] } };
  for (const filter of [byRef, byState, byKey]) assert.ok(!scansTable(await planOf(col, filter)));

  // Written after the first queries: MongoDB matches `{f: v}` when f (or a parent of f) is an array holding
  // v, which SQL comparison of the stored JSON would miss.
  await col.insertMany([
    { _id: 'arr_ref', accountId: 'acc_a', externalRef: ['REF-shared', 'other'], sync: { state: 'none' } },
    { _id: 'arr_account', accountId: ['acc_b', 'acc_c'], externalRef: 'REF-arr', sync: { state: 'pending' } },
    {
      _id: 'arr_parent',
      accountId: 'acc_a',
      externalRef: 'REF-p',
      sync: [{ state: 'x', externalId: 'KEY-in-array' }],
    },
  ]);
  assert.deepEqual(await ids(col, byRef), ['arr_ref', 'rec_000003']);
  assert.ok(
    (await ids(col, byState)).includes('arr_account'),
    'an account array holding the account matches',
  );
  assert.deepEqual(await ids(col, byKey), ['arr_parent', 'rec_000003']);
  for (const filter of [byRef, byState, byKey])
    assert.deepEqual(await ids(col, filter), await unpushed(col, filter));

  // Fields without arrays keep their index.
  const byAcumaticaId: Filter<Rec> = { 'sync.acumaticaId': 'guid-3' };
  assert.deepEqual(await ids(col, byAcumaticaId), await unpushed(col, byAcumaticaId));
});

test('arrays written before the first query on a field still match', async () => {
  await ensureIndexes(db);
  const col = db.collection<Rec>(recordCollectionName(ENTITY_TYPES[2]));
  await col.insertMany([
    { _id: 'plain', accountId: 'acc_a', externalRef: 'REF-1', sync: { state: 'pending', externalId: 'K1' } },
    {
      _id: 'listed',
      accountId: ['acc_a'],
      externalRef: 'REF-2',
      sync: { state: 'pending', externalId: 'K2' },
    },
    {
      _id: 'nested',
      accountId: 'acc_a',
      externalRef: 'REF-3',
      sync: [{ state: 'pending', externalId: 'K3' }],
    },
  ]);
  const filter: Filter<Rec> = { accountId: 'acc_a', 'sync.state': 'pending' };
  assert.deepEqual(await ids(col, filter), ['listed', 'nested', 'plain']);
  assert.deepEqual(await ids(col, { accountId: 'acc_a', 'sync.externalId': { $in: ['K1', 'K3'] } }), [
    'nested',
    'plain',
  ]);
});

test('non-string conditions, operators and numeric path elements are left to the handler and still match', async () => {
  const col = db.collection<Document>(recordCollectionName(ENTITY_TYPES[0]));
  const filters: Filter<Document>[] = [
    { accountId: 'acc_c', 'sync.state': { $in: ['pending', null] } },
    { accountId: 'acc_c', 'sync.state': { $ne: 'pending' }, externalRef: { $in: ['REF-2', 'REF-5'] } },
    { accountId: { $in: ['acc_c', /^acc_b$/] }, externalRef: 'REF-5' },
    { accountId: 'acc_b', $or: [{ externalRef: 'REF-4' }, { 'sync.state': { $exists: false } }] },
    { accountId: 'acc_b', 'sync.0.state': 'pending' },
  ];
  for (const filter of filters) {
    const got = (await col.find(filter).toArray()).map((d) => String(d._id)).sort();
    const want = (await col.find({ $nor: [{ $nor: [filter] }] }).toArray()).map((d) => String(d._id)).sort();
    assert.deepEqual(got, want, JSON.stringify(filter));
  }
});

test('after a restart, arrays and ObjectIds already stored are found by the one-time check of the table', async () => {
  if (!ferret) return; // FerretDB's own bookkeeping; MongoDB needs none.
  // A FerretDB of its own, restarted on the same data: the writes that recorded the arrays are forgotten.
  const binary = process.env.FERRETDB_PATH ?? (await ensureTools(() => undefined)).ferretdb;
  const base = process.env.FSAC_TEST_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'fsac-pushdown-'));
  const dir = join(base, `pushdown-restart-${process.pid}`);
  const port = await freePort();
  const start = () =>
    startFerretDB({ binary, port, dataDir: join(dir, 'ferretdb'), logFile: join(dir, 'ferretdb.log') });
  let proc = await start();
  try {
    let client = new MongoClient(mongoUrl(port));
    const name = recordCollectionName(ENTITY_TYPES[0]);
    await ensureIndexes(client.db('restart'));
    const oid = new ObjectId();
    await client
      .db('restart')
      .collection<{ _id: string | ObjectId; accountId: unknown; sync: unknown }>(name)
      .insertMany([
        { _id: 'plain', accountId: 'acc_a', sync: { state: 'pending' } },
        { _id: 'listed', accountId: ['acc_a'], sync: { state: 'pending' } },
        { _id: 'nested', accountId: 'acc_a', sync: [{ state: 'pending' }] },
        { _id: oid, accountId: 'acc_a', sync: { state: 'pending' } },
      ]);
    await client.close();
    await proc.stop();
    proc = await start();
    client = new MongoClient(mongoUrl(port));
    try {
      const col = client.db('restart').collection(name);
      const found = await col
        .find({ accountId: 'acc_a', 'sync.state': 'pending' })
        .sort({ _id: 1 })
        .toArray();
      // Every string before the ObjectId, as MongoDB orders them; the arrays match.
      assert.deepEqual(
        found.map((d) => String(d._id)),
        ['listed', 'nested', 'plain', oid.toHexString()],
      );
    } finally {
      await client.close();
    }
  } finally {
    await proc.stop();
  }
});
