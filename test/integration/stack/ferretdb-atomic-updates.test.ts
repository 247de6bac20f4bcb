import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Double, Int32, Long, MongoClient, type UpdateFilter } from 'mongodb';
import { measureRaces } from '../../../scripts/ferretdb/races';
import { servedByFerretDB } from '../../../store/db';

// The store's revision checks rely on every single-document update being atomic, as on MongoDB. Stock
// FerretDB v1 reads, updates in Go and writes back by `_id`, so racing updates were lost; the project builds
// it with scripts/ferretdb/0001-atomic-single-document-updates.patch. These check the running server.

test('racing updates on separate connections lose nothing (updateOne with a revision, updateMany, findOneAndUpdate)', async () => {
  const report = await measureRaces(process.env.MONGODB_URL!, 8, 25);
  const { updateOneWithRevision: cas, updateMany: many, findOneAndUpdate: fam } = report;
  assert.ok(cas.acknowledged > 0, `some compare-and-set updates succeed: ${JSON.stringify(report)}`);
  assert.equal(
    cas.final,
    cas.acknowledged,
    `every acknowledged revision update is stored: ${JSON.stringify(cas)}`,
  );
  assert.equal(many.acknowledged, 8 * 25 * 5, 'updateMany modifies every document each time');
  assert.equal(many.final, many.acknowledged, `no updateMany increment is lost: ${JSON.stringify(many)}`);
  assert.equal(fam.final, fam.acknowledged, `no findOneAndUpdate increment is lost: ${JSON.stringify(fam)}`);
  assert.equal(fam.duplicates, 0, 'no two clients are handed the same new value');
});

/** A document of any shape with a revision. */
interface Probe {
  _id: string;
  rev: number;
  [field: string]: unknown;
}

test('a compare-and-set update succeeds on documents holding every BSON type the store writes', async (t) => {
  const mongo = new MongoClient(process.env.MONGODB_URL!);
  const db = mongo.db(`casbson_${process.pid}`);
  t.after(async () => {
    await db.dropDatabase();
    await mongo.close();
  });
  const col = db.collection<Probe>('probe');
  // The patched SQLite backend compares the stored text with the re-encoded document read: a type that
  // did not encode back identically would make every update of such a document fail.
  await col.insertOne({
    _id: 'all-types',
    text: 'é "quoted" \n\u0000 ✓',
    int32: new Int32(7),
    int64: Long.fromString('9007199254740993'),
    double: new Double(1),
    fraction: 0.1,
    negativeZero: -0,
    large: 1e21,
    max: Number.MAX_VALUE,
    yes: true,
    no: false,
    at: new Date(Date.UTC(2026, 10, 30, 12, 0, 0, 123)),
    nested: { a: { b: [1, 'x', null, { c: 2.5 }] } },
    lines: [
      { id: 'l1', quantity: 2, price: 19.99, taxable: true },
      { id: 'l2', description: null, dates: [new Date(0)] },
    ],
    missing: null,
    rev: 1,
  });
  for (let rev = 1; rev <= 3; rev++) {
    const result = await col.updateOne({ _id: 'all-types', rev }, {
      $inc: { rev: 1 },
      $set: { stage: rev },
    } as unknown as UpdateFilter<Probe>);
    assert.equal(result.modifiedCount, 1, `update at rev ${rev} applied`);
  }
  const stale = await col.updateOne({ _id: 'all-types', rev: 1 }, { $set: { text: 'stale' } });
  assert.equal(stale.matchedCount, 0, 'an update of an older revision matches nothing');
  const stored = await col.findOne({ _id: 'all-types' });
  assert.equal(stored?.rev, 4);
  assert.equal(stored?.text, 'é "quoted" \n\u0000 ✓');
  assert.deepEqual(stored?.lines, [
    { id: 'l1', quantity: 2, price: 19.99, taxable: true },
    { id: 'l2', description: null, dates: [new Date(0)] },
  ]);
});

test('FerretDB finds {_id, accountId, rev} through the _id index and checks the rest on that document', async (t) => {
  const mongo = new MongoClient(process.env.MONGODB_URL!);
  const db = mongo.db(`casindex_${process.pid}`);
  t.after(async () => {
    await db.dropDatabase();
    await mongo.close();
  });
  const col = db.collection<{ _id: string; accountId: string; rev: number }>('probe');
  await col.insertMany(
    Array.from({ length: 50 }, (_, n) => ({ _id: `doc_${n}`, accountId: `acc_${n % 2}`, rev: n })),
  );
  if (!(await servedByFerretDB(db))) return; // MongoDB uses its _id index for any filter with _id
  const plan = (await col.find({ _id: 'doc_7', accountId: 'acc_1', rev: 7 }).explain()) as {
    queryPlanner?: { Plan?: string[] };
  };
  const steps = plan.queryPlanner?.Plan ?? [];
  assert.ok(
    steps.some((s) => /SEARCH .* USING INDEX .*__id_/.test(s)),
    `expected an index search, got ${JSON.stringify(steps)}`,
  );
  assert.ok(!steps.some((s) => /\bSCAN\b/.test(s)), `no table scan: ${JSON.stringify(steps)}`);
  // The other conditions still apply.
  assert.equal(
    (await col.updateOne({ _id: 'doc_7', accountId: 'acc_0', rev: 7 }, { $inc: { rev: 1 } })).matchedCount,
    0,
  );
  assert.equal(
    (await col.updateOne({ _id: 'doc_7', accountId: 'acc_1', rev: 6 }, { $inc: { rev: 1 } })).matchedCount,
    0,
  );
  assert.equal(
    (await col.updateOne({ _id: 'doc_7', accountId: 'acc_1', rev: 7 }, { $inc: { rev: 1 } })).modifiedCount,
    1,
  );
  assert.equal(await col.countDocuments({ _id: 'doc_7', accountId: 'acc_1' }), 1);
});

// A push writes a page's outcomes back in one bulk write. Stock FerretDB v1 kept every statement's query (and
// its pooled SQLite connection, 100 at most) open until the command returned, so one command of 100
// statements, or several smaller ones at once, waited forever for a connection and wedged the server for
// every client; scripts/ferretdb/0003-update-statements-release-connections.patch closes each as it ends.
test(
  'bulk writes of many statements, several at once, complete and keep every compare-and-set',
  { timeout: 60_000 },
  async (t) => {
    const mongo = new MongoClient(process.env.MONGODB_URL!, { maxPoolSize: 20 });
    const db = mongo.db(`bulk_${process.pid}`);
    t.after(async () => {
      await db.dropDatabase();
      await mongo.close();
    });
    const statements = 150;
    const cols = Array.from({ length: 4 }, (_, i) => db.collection<Probe>(`bulk${i}`));
    for (const col of cols)
      await col.insertMany(Array.from({ length: statements }, (_, i) => ({ _id: `d${i}`, rev: 1 })));
    const results = await Promise.all(
      cols.map((col) =>
        col.bulkWrite(
          // Every other statement names a revision the document does not have: it must not apply.
          Array.from({ length: statements }, (_, i) => ({
            updateOne: {
              filter: { _id: `d${i}`, rev: i % 2 === 0 ? 1 : 7 },
              update: { $set: { done: true }, $inc: { rev: 1 } } as unknown as UpdateFilter<Probe>,
            },
          })),
          { ordered: false },
        ),
      ),
    );
    for (const r of results) assert.equal(r.matchedCount, statements / 2);
    const after = await cols[0]!.find({ done: true }).toArray();
    assert.equal(after.length, statements / 2);
    assert.ok(after.every((d) => d.rev === 2 && Number(d._id.slice(1)) % 2 === 0));
    // The server still answers other clients.
    assert.equal(await cols[1]!.countDocuments({}), statements);
  },
);
