import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connectMongo } from '../../../store/db';

// A mark racing an edit of the same record must not lose either: updates of one document from one process
// all land (FerretDB would lose some over parallel connections; the store serializes them there).
test('parallel updates of one document from one process all land', async (t) => {
  const name = `test_conn_${randomBytes(6).toString('hex')}`;
  const connection = await connectMongo(process.env.MONGODB_URL!, name);
  t.after(async () => {
    await connection.db.dropDatabase();
    await connection.close();
  });
  const col = connection.db.collection<{ _id: string; n: number; marks: string[] }>('probe');
  await col.insertOne({ _id: 'doc', n: 0, marks: [] });
  await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      col.updateOne({ _id: 'doc' }, i % 2 ? { $inc: { n: 1 } } : { $push: { marks: `m${i}` } }),
    ),
  );
  const doc = await col.findOne({ _id: 'doc' });
  assert.equal(doc?.n, 20);
  assert.equal(doc?.marks.length, 20);
});
