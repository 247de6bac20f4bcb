import { proxyActivities } from '@temporalio/workflow';
import type { ConnectionActivities, ConnectionCheck } from '../activities/types';

/**
 * Validates an account's Acumatica connection on the Acumatica task queue (the API never calls Acumatica):
 * signs in, checks the REST version, reads one record of each selected entity type, signs out.
 * Returns the checklist; it does not retry a failing check, the checklist says what failed and why.
 */
export async function checkConnection(input: {
  accountId: string;
  taskQueue: string;
}): Promise<ConnectionCheck[]> {
  const { checkConnection: check } = proxyActivities<ConnectionActivities>({
    taskQueue: input.taskQueue,
    startToCloseTimeout: '5 minutes',
    retry: { maximumAttempts: 1 },
  });
  return check({ accountId: input.accountId });
}
