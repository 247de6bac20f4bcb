/**
 * Starting a workflow under the account's run lock, shared by manual runs and "sync now": take the lock
 * for the new workflow id, start the workflow, and give the lock back when the start fails, so a failed
 * start never leaves the account locked until the lock's holder check notices.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '../../core/search-attributes';
import type { Config } from '../../runtime/config';
import { temporalHolderCheck } from '../../runtime/run-lock-holders';
import type { RunLocks } from '../../store';
import { notFound } from '../errors';

export interface LockedStartDeps {
  client: Client;
  runLocks: RunLocks;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE'>;
}

/** The workflow to start on the sync task queue. */
export interface LockedWorkflow {
  type: 'syncAccount' | 'syncRecords';
  workflowId: string;
  input: unknown;
  /** Search attributes besides the account's, which every started workflow carries. */
  searchAttributes: SearchAttributePair[];
  /** The one line the Temporal UI shows for it. */
  summary: string;
}

/**
 * Takes the account's run lock for the workflow's id and starts it. When another workflow holds the lock,
 * it is started only with `startWhenHeld` (a workflow that waits for the lock itself).
 * @param options.sameIdRaces true when two requests in the same millisecond may choose the same workflow id:
 *   the one that finds it started answers `already-started` and leaves the lock to the other
 * @returns `started` (with the lock's holder when it was not ours), `held` when not started because
 *   another workflow holds the lock, or `already-started`
 * @throws ApiError 404 when the account does not exist; the start's error, after releasing a lock this
 *   call took
 */
export async function startUnderRunLock(
  deps: LockedStartDeps,
  accountId: string,
  workflow: LockedWorkflow,
  options: { startWhenHeld: boolean; sameIdRaces: boolean },
): Promise<
  { status: 'held'; heldBy: string } | { status: 'started' | 'already-started'; heldBy: string | null }
> {
  const { workflowId } = workflow;
  const lock = await deps.runLocks.acquire(accountId, workflowId, temporalHolderCheck(deps.client));
  if (lock.status === 'account-not-found') throw notFound('account');
  const heldBy = lock.status === 'held' ? lock.holder.workflowId : null;
  if (heldBy !== null && !options.startWhenHeld) return { status: 'held', heldBy };
  try {
    await deps.client.workflow.start(workflow.type, {
      taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
      workflowId,
      args: [workflow.input],
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.account, value: accountId },
        ...workflow.searchAttributes,
      ],
      staticSummary: workflow.summary,
    });
  } catch (err) {
    // The other request started it and holds the lock: it is not released here.
    if (options.sameIdRaces && err instanceof WorkflowExecutionAlreadyStartedError) {
      return { status: 'already-started', heldBy };
    }
    if (lock.status === 'acquired') await deps.runLocks.release(accountId, workflowId);
    throw err;
  }
  return { status: 'started', heldBy };
}
