import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MongoClient } from 'mongodb';
import { Connection } from '@temporalio/client';

// The harness started these servers; this checks they are the real ones and reachable.
test('the test stack serves a MongoDB-protocol database and a Temporal frontend', async (t) => {
  const mongo = new MongoClient(process.env.MONGODB_URL!);
  t.after(() => mongo.close());
  const hello = await mongo.db('admin').command({ hello: 1 });
  assert.equal(hello.isWritablePrimary, true);
  const col = mongo.db(`stack_${process.pid}`).collection('probe');
  await col.insertOne({ _id: 'x', n: 1 } as never);
  assert.equal((await col.findOne({ _id: 'x' } as never))?.n, 1);
  await mongo.db(`stack_${process.pid}`).dropDatabase();
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  t.after(() => connection.close());
  const info = await connection.workflowService.getSystemInfo({});
  assert.ok(info.serverVersion, 'server reports a version');
  const attrs = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
  assert.ok(
    Object.keys(attrs.customAttributes ?? {}).includes('FsacAccount'),
    'our search attributes are registered',
  );
});
