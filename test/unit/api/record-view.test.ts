import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toRecordView } from '../../../api/schemas/records';
import type { RecordBase } from '../../../core/records';

describe('record view', () => {
  it('keeps the sync internals (merge base, hash, push intent) out of the answer', () => {
    const at = new Date('2026-01-05T10:00:00Z');
    const doc = {
      _id: 'cus_k3j9x2m4q8w1',
      accountId: 'acc_1',
      externalRef: 'FS-CUS-k3j9x2m4q8w1',
      createdAt: at,
      updatedAt: at,
      rev: 3,
      notes: [],
      name: 'Elm Street Dental',
      sync: {
        state: 'synced',
        externalId: 'C000200',
        lastSyncedAt: at,
        lastSyncedHash: 'f'.repeat(64),
        pushIntent: { externalRef: 'FS-CUS-k3j9x2m4q8w1', startedAt: at, runId: 'run-1' },
        base: { name: 'Elm Street Dental', email: 'office@elmdental.example' },
      },
    } as RecordBase & Record<string, unknown>;
    const view = toRecordView('customers', doc);
    assert.equal(view.name, 'Elm Street Dental');
    assert.deepEqual(JSON.parse(JSON.stringify(view.sync)), {
      state: 'synced',
      externalId: 'C000200',
      lastSyncedAt: at.toISOString(),
    });
    const text = JSON.stringify(view);
    for (const internal of ['base', 'lastSyncedHash', 'pushIntent', 'office@elmdental.example'])
      assert.ok(!text.includes(internal), `${internal} is not in the answer`);
  });
});
