/**
 * Starting a workflow under the account's run lock, shared by manual runs and "sync now": take the lock
 * for the new workflow id, start the workflow, and give the lock back when the start fails, so a failed
 * start never leaves the account locked until the lock's holder check notices.
 */
import type { Client } from '@temporalio/client';
import { temporalHolderCheck } from '../../runtime/run-lock-holders';
import type { RunLocks } from '../../store';
import { notFound } from '../errors';

export interface LockedStartDeps {
  client: Client;
  runLocks: RunLocks;
}

/**
 * Takes the account's run lock for `workflowId` and calls `start`. When another workflow holds the lock,
 * `start` is called only with `startWhenHeld` (a workflow that waits for the lock itself).
 * @returns whether `start` was called, and the workflow holding the lock when it was not ours
 * @throws ApiError 404 when the account does not exist; whatever `start` throws, after releasing a lock
 *   this call took
 */
export async function startUnderRunLock(
  deps: LockedStartDeps,
  accountId: string,
  workflowId: string,
  options: { startWhenHeld: boolean; start: () => Promise<void> },
): Promise<{ started: boolean; heldBy: string | null }> {
  const lock = await deps.runLocks.acquire(accountId, workflowId, temporalHolderCheck(deps.client));
  if (lock.status === 'account-not-found') throw notFound('account');
  const heldBy = lock.status === 'held' ? lock.holder.workflowId : null;
  if (heldBy !== null && !options.startWhenHeld) return { started: false, heldBy };
  try {
    await options.start();
  } catch (err) {
    if (lock.status === 'acquired') await deps.runLocks.release(accountId, workflowId);
    throw err;
  }
  return { started: true, heldBy };
}
