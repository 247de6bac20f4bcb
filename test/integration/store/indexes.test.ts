import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureIndexes } from '../../../store/db';
import { openTestDb } from './helpers';

// Every start of the worker and the API runs ensureIndexes on a database that already has them.
test('ensureIndexes is idempotent: a second start on the same database keeps its connection and indexes', async () => {
  const t = await openTestDb();
  try {
    await ensureIndexes(t.db);
    await ensureIndexes(t.db);
    const names = (await t.db.collection('customers').indexes()).map((i) => i.name);
    assert.ok(names.includes('account_external_ref'), 'record indexes exist');
    const unique = (await t.db.collection('customers').indexes()).find(
      (i) => i.name === 'account_external_ref',
    );
    assert.equal(unique?.unique, true);
    assert.equal((await t.db.command({ ping: 1 })).ok, 1, 'the connection survived');
  } finally {
    await t.close();
  }
});
