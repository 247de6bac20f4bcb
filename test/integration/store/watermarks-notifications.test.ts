import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sampleSummary } from '../../helpers/summaries';
import type { Store } from '../../../store/index';
import { newId } from '../../../store/ids';
import { openTestDb, type TestDb } from './helpers';

let env: TestDb;
let store: Store;
let clock = new Date('2024-04-01T00:00:00Z');

before(async () => {
  env = await openTestDb(() => clock);
  store = env.store;
});
after(async () => {
  await env.close();
});

describe('watermarks', () => {
  it('advance monotonically per account and entity', async () => {
    const a = newId('acc');
    const b = newId('acc');
    assert.equal(await store.watermarks.get(a, 'customers'), null);
    const t1 = new Date('2024-03-01T00:00:00Z');
    const t0 = new Date('2024-02-01T00:00:00Z');
    assert.deepEqual(await store.watermarks.advance(a, 'customers', t1), t1);
    assert.deepEqual(await store.watermarks.advance(a, 'customers', t0), t1, 'never backwards');
    assert.deepEqual(await store.watermarks.get(a, 'customers'), t1);
    assert.equal(await store.watermarks.get(a, 'vendors'), null);
    assert.equal(await store.watermarks.get(b, 'customers'), null, 'per account');
    await store.watermarks.advance(a, 'vendors', t0);
    assert.deepEqual(
      (await store.watermarks.list(a)).map((w) => w.entity),
      ['customers', 'vendors'],
    );
    assert.equal(await store.watermarks.reset(a, 'vendors'), 1);
    assert.equal(await store.watermarks.get(a, 'vendors'), null);
  });
});

const summary = (accountId: string, runId: string, failed: number) =>
  sampleSummary({ accountId, runId, failed });

describe('notifications', () => {
  it('store each run once, list newest first with paging, mark read', async () => {
    const accountId = newId('acc');
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) {
      clock = new Date(Date.UTC(2024, 3, 1, n));
      ids.push(
        await store.notifications.recordRunSummary(
          accountId,
          `sync/acc/run-${n}`,
          summary(accountId, `run-${n}`, n === 4 ? 1 : 0),
        ),
      );
    }
    assert.equal(
      await store.notifications.recordRunSummary(accountId, 'sync/acc/run-4', summary(accountId, 'run-4', 1)),
      ids[4],
      'idempotent',
    );
    assert.equal(await store.notifications.countUnread(accountId), 5);

    const first = await store.notifications.list(accountId, { limit: 2 });
    assert.deepEqual(
      first.items.map((n) => n.summary.runId),
      ['run-4', 'run-3'],
    );
    assert.equal(first.items[0]?.title, 'Sync partial: 3 pushed, 2 pulled, 1 failed');
    assert.equal(first.items[0]?.workflowId, 'sync/acc/run-4');
    assert.ok(first.nextCursor);
    const second = await store.notifications.list(accountId, { limit: 10, after: first.nextCursor });
    assert.deepEqual(
      second.items.map((n) => n.summary.runId),
      ['run-2', 'run-1', 'run-0'],
    );
    assert.equal(second.nextCursor, null);

    assert.equal(await store.notifications.markRead(accountId, [ids[4] as string]), 1);
    assert.equal(
      await store.notifications.markRead(newId('acc'), 'all'),
      0,
      'another account cannot mark them',
    );
    assert.equal(await store.notifications.countUnread(accountId), 4);
    const unread = await store.notifications.list(accountId, { unreadOnly: true });
    assert.equal(
      unread.items.some((n) => n._id === ids[4]),
      false,
    );
    assert.equal(await store.notifications.markRead(accountId, 'all'), 4);
    assert.equal(await store.notifications.countUnread(accountId), 0);
    assert.equal(await store.notifications.get(newId('acc'), ids[0] as string), null);
  });
});
