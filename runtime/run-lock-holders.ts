/**
 * Whether an account run lock's holder still runs, asked of Temporal. The store's run lock
 * (store/run-locks.ts) knows only MongoDB and takes this check as an argument; the plan activity and the
 * API pass this one.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { HolderCheck } from '../core/runs';

const CLOSED_STATUSES: ReadonlySet<string> = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TERMINATED',
  'CONTINUED_AS_NEW',
  'TIMED_OUT',
]);

/**
 * A {@link HolderCheck} backed by Temporal: describes the holder's latest run. Only "not found" is
 * swallowed; any other error (Temporal unreachable) propagates so the lock is never stolen on a guess.
 */
export function temporalHolderCheck(client: Pick<Client, 'workflow'>): HolderCheck {
  return async (workflowId) => {
    try {
      const description = await client.workflow.getHandle(workflowId).describe();
      // Anything not known to be closed (running, paused, unknown) counts as running: never steal on doubt.
      return CLOSED_STATUSES.has(description.status.name) ? 'closed' : 'running';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 'not-found';
      throw err;
    }
  };
}
