import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { OUTCOME_BATCH, OUTCOME_MAX_WAIT_MS, OutcomeWrites } from '../../../activities/push/outcome-writes';
import type { RecordRepositories } from '../../../store/records';

/** Repositories whose `markSyncedMany` records each batch (and fails when told to). */
function recordingRepos(fail = false) {
  const batches: { entity: string; ids: string[] }[] = [];
  const repo = (entity: string) => ({
    markSyncedMany: (_accountId: string, outcomes: readonly { id: string }[]) => {
      batches.push({ entity, ids: outcomes.map((o) => o.id) });
      return fail ? Promise.reject(new Error('store down')) : Promise.resolve(new Map());
    },
  });
  const records = {
    customers: repo('customers'),
    invoices: repo('invoices'),
  } as unknown as RecordRepositories;
  return {
    batches,
    writes: new OutcomeWrites({ records, input: { accountId: 'acc', runId: 'r', settings: {} as never } }),
  };
}

const outcome = { externalId: 'K', acumaticaId: 'g', hash: 'h', pushedRev: 1 };

describe('OutcomeWrites', () => {
  test('sends a full batch at once, per entity type, and the rest on flush', async () => {
    const { batches, writes } = recordingRepos();
    const written = [];
    for (let i = 0; i < OUTCOME_BATCH + 3; i++) written.push(writes.synced('invoices', `inv_${i}`, outcome));
    written.push(writes.synced('customers', 'cus_1', outcome));
    assert.equal(batches.length, 1, 'the full batch went out without waiting');
    assert.equal(batches[0]?.ids.length, OUTCOME_BATCH);
    await writes.flush();
    await Promise.all(written);
    assert.deepEqual(
      batches.map((b) => [b.entity, b.ids.length]),
      [
        ['invoices', OUTCOME_BATCH],
        ['invoices', 3],
        ['customers', 1],
      ],
    );
  });

  test('an outcome left alone is written after the longest wait, without a flush', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const { batches, writes } = recordingRepos();
      const written = writes.synced('customers', 'cus_1', outcome);
      assert.equal(batches.length, 0);
      mock.timers.tick(OUTCOME_MAX_WAIT_MS - 1);
      assert.equal(batches.length, 0, 'still gathering');
      mock.timers.tick(1);
      assert.deepEqual(batches, [{ entity: 'customers', ids: ['cus_1'] }]);
      await written;
      await writes.flush();
      assert.equal(batches.length, 1, 'nothing is written twice');
    } finally {
      mock.timers.reset();
    }
  });

  test("a failed batch rejects each of its records' writes and the flush", async () => {
    const { writes } = recordingRepos(true);
    const a = writes.synced('customers', 'cus_1', outcome);
    const b = writes.synced('customers', 'cus_2', outcome);
    await assert.rejects(writes.flush(), /store down/);
    await assert.rejects(a, /store down/);
    await assert.rejects(b, /store down/);
  });
});
