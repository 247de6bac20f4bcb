import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MongoClient } from 'mongodb';
import { servedByFerretDB } from '../../../store/db';

// The store looks records up by `_id` alone because that is the one filter FerretDB hands to SQLite. The
// project builds FerretDB with a source fix (scripts/tools.ts) so that this lookup searches the `_id` index
// instead of scanning the table; this checks the running server's query plan says so.
test('FerretDB finds a document by _id through its unique index, not a table scan', async (t) => {
  const mongo = new MongoClient(process.env.MONGODB_URL!);
  const db = mongo.db(`idindex_${process.pid}`);
  t.after(async () => {
    await db.dropDatabase();
    await mongo.close();
  });
  const col = db.collection<{ _id: string; n: number }>('probe');
  await col.insertMany(Array.from({ length: 50 }, (_, n) => ({ _id: `doc_${n}`, n })));
  const plan = (await col.find({ _id: 'doc_7' }).explain()) as {
    queryPlanner?: { Plan?: string[] };
    filterPushdown?: boolean;
  };
  if (!(await servedByFerretDB(db))) {
    // A real MongoDB uses its _id index anyway; only FerretDB's plan has this shape.
    assert.equal((await col.findOne({ _id: 'doc_7' }))?.n, 7);
    return;
  }
  const steps = plan.queryPlanner?.Plan ?? [];
  assert.equal(plan.filterPushdown, true, 'the _id filter is handed to SQLite');
  assert.ok(
    steps.some((s) => /SEARCH .* USING INDEX .*__id_/.test(s)),
    `expected an index search, got ${JSON.stringify(steps)}`,
  );
  assert.ok(!steps.some((s) => /\bSCAN\b/.test(s)), `no table scan: ${JSON.stringify(steps)}`);
  assert.equal((await col.findOne({ _id: 'doc_7' }))?.n, 7);
});
