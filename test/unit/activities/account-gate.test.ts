import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { AccountActivityGate } from '../../../activities/account-gate';

describe('AccountActivityGate', () => {
  it('admits an account up to its share, then hands the slot back with a short retryable failure', () => {
    const gate = new AccountActivityGate(2);
    const first = gate.enter('acc_a');
    gate.enter('acc_a');
    assert.throws(
      () => gate.enter('acc_a'),
      (err: unknown) =>
        err instanceof ApplicationFailure &&
        err.type === 'AccountBusy' &&
        !err.nonRetryable &&
        (err.nextRetryDelay as number) >= 1_000 &&
        (err.nextRetryDelay as number) <= 3_000,
    );
    // Another account is not affected by the first one's share.
    const other = gate.enter('acc_b');
    assert.equal(gate.runningFor('acc_b'), 1);
    first();
    first(); // freeing twice frees once
    assert.equal(gate.runningFor('acc_a'), 1);
    gate.enter('acc_a');
    other();
    assert.equal(gate.runningFor('acc_b'), 0);
  });
});
