import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Db } from 'mongodb';
import { COLLECTIONS, connectMongo, type MongoConnection } from '../../../store';
import { NOT_FOUND_GRACE_MS, RunLocks, type HolderStatus } from '../../../store/run-locks';

describe('run locks', () => {
  let mongo: MongoConnection;
  let db: Db;
  before(async () => {
    const url = process.env.MONGODB_URL;
    if (!url) throw new Error('MONGODB_URL must be set (run through npm test)');
    mongo = await connectMongo(url, `test_run_locks_${randomUUID().slice(0, 8)}`);
    db = mongo.db;
  });
  after(async () => {
    await db.dropDatabase();
    await mongo.close();
  });

  async function account(): Promise<string> {
    const id = `acc_${randomUUID().slice(0, 12)}`;
    await db.collection<{ _id: string }>(COLLECTIONS.accounts).insertOne({ _id: id });
    return id;
  }
  const status = (s: HolderStatus) => () => Promise.resolve(s);
  const never = () => Promise.reject(new Error('Temporal must not be asked'));

  test('free → acquired; the same workflow again → acquired; another while it runs → held', async () => {
    const locks = new RunLocks(db);
    const id = await account();
    assert.deepEqual(await locks.acquire(id, 'wf-a', never), { status: 'acquired' });
    assert.deepEqual(await locks.acquire(id, 'wf-a', never), { status: 'acquired' });
    const held = await locks.acquire(id, 'wf-b', status('running'));
    assert.equal(held.status, 'held');
    assert.equal(held.status === 'held' && held.holder.workflowId, 'wf-a');
  });

  test('a closed holder is taken over', async () => {
    const locks = new RunLocks(db);
    const id = await account();
    await locks.acquire(id, 'wf-a', never);
    assert.deepEqual(await locks.acquire(id, 'wf-b', status('closed')), {
      status: 'acquired',
      stolenFrom: 'wf-a',
    });
    assert.equal((await locks.get(id))?.workflowId, 'wf-b');
  });

  test('a holder unknown to Temporal is held during the start-up grace, taken over after it', async () => {
    let clock = Date.parse('2025-03-04T10:00:00Z');
    const locks = new RunLocks(db, { now: () => new Date(clock) });
    const id = await account();
    await locks.acquire(id, 'wf-api-starting', never);
    assert.equal((await locks.acquire(id, 'wf-b', status('not-found'))).status, 'held');
    clock += NOT_FOUND_GRACE_MS + 1;
    assert.equal((await locks.acquire(id, 'wf-b', status('not-found'))).status, 'acquired');
  });

  test('release frees only the holder’s own lock', async () => {
    const locks = new RunLocks(db);
    const id = await account();
    await locks.acquire(id, 'wf-a', never);
    assert.equal(await locks.release(id, 'wf-old'), false);
    assert.equal((await locks.get(id))?.workflowId, 'wf-a');
    assert.equal(await locks.release(id, 'wf-a'), true);
    assert.equal(await locks.release(id, 'wf-a'), false, 'idempotent');
    assert.equal(await locks.get(id), null);
  });

  test('racing runs: exactly one wins a free lock, and exactly one wins a dead one', async () => {
    const locks = new RunLocks(db);
    const id = await account();
    const free = await Promise.all(
      Array.from({ length: 6 }, (_, i) => locks.acquire(id, `wf-${i}`, status('running'))),
    );
    assert.equal(free.filter((r) => r.status === 'acquired').length, 1);
    const dead = await Promise.all(
      Array.from({ length: 6 }, (_, i) => locks.acquire(id, `wf-next-${i}`, status('closed'))),
    );
    // Each steal inserts the next generation: every winner replaced a different holder, so no two runs
    // ever believed they held the lock at the same time.
    const winners = dead.filter((r) => r.status === 'acquired');
    assert.ok(winners.length >= 1);
    const holder = await locks.get(id);
    assert.ok(holder?.workflowId.startsWith('wf-next-'));
    const stolen = winners.map((w) => (w.status === 'acquired' ? w.stolenFrom : undefined));
    assert.equal(new Set(stolen).size, stolen.length, 'no holder was replaced twice');
  });

  test('racing runs over a dead holder: exactly one takes over, the others see it running', async () => {
    const locks = new RunLocks(db);
    for (let round = 0; round < 5; round++) {
      const id = await account();
      await locks.acquire(id, 'wf-dead', never);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          locks.acquire(id, `wf-${i}`, (holder) =>
            Promise.resolve(holder === 'wf-dead' ? 'closed' : 'running'),
          ),
        ),
      );
      const winners = results.filter((r) => r.status === 'acquired');
      assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(results)}`);
      assert.deepEqual(
        results
          .filter((r) => r.status === 'held')
          .map((r) => r.status === 'held' && r.holder.workflowId !== 'wf-dead'),
        Array.from({ length: 5 }, () => true),
      );
    }
  });

  test('an unknown account is reported', async () => {
    assert.deepEqual(await new RunLocks(db).acquire('acc_missing', 'wf', never), {
      status: 'account-not-found',
    });
  });
});
