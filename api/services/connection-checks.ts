/**
 * "Validate connection": runs the `checkConnection` workflow (the worker signs in to Acumatica; the API
 * never does) at most once per account per CONNECTION_CHECK_INTERVAL_SECONDS.
 */
import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { ConnectionCheck } from '../../activities/types';
import { SEARCH_ATTRIBUTES } from '../../core/search-attributes';
import type { Config } from '../../runtime/config';
import { ApiError, TooManyRequestsError } from '../errors';
import { describeFailure } from './syncs';

export interface ConnectionChecksDeps {
  client: Client;
  config: Pick<
    Config,
    'TEMPORAL_TASK_QUEUE' | 'TEMPORAL_ACUMATICA_TASK_QUEUE' | 'CONNECTION_CHECK_INTERVAL_SECONDS'
  >;
  /** Clock for workflow ids and the rate limit; tests pass their own. */
  now?: () => Date;
}

export class ConnectionChecks {
  private readonly now: () => Date;
  /** When each account's connection was last checked (ms): the per-account rate limit of checks. */
  private readonly lastChecks = new Map<string, number>();

  constructor(private readonly deps: ConnectionChecksDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Runs the `checkConnection` workflow (the worker signs in to Acumatica; the API never does) and
   * returns its checklist.
   * @throws TooManyRequestsError when the account checked too recently; ApiError 504 when the check did
   *   not finish
   */
  async check(accountId: string): Promise<ConnectionCheck[]> {
    this.admit(accountId);
    const workflowId = `check/${accountId}/${this.now().toISOString()}`;
    try {
      return await this.deps.client.workflow.execute('checkConnection', {
        taskQueue: this.deps.config.TEMPORAL_TASK_QUEUE,
        workflowId,
        args: [{ accountId, taskQueue: this.deps.config.TEMPORAL_ACUMATICA_TASK_QUEUE }],
        workflowExecutionTimeout: '2 minutes',
        typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.account, value: accountId }],
        staticSummary: `Connection check of account ${accountId}`,
      });
    } catch (err) {
      if (err instanceof WorkflowFailedError) {
        throw new ApiError(
          504,
          'check_unavailable',
          `the connection check did not finish: ${describeFailure(err)}`,
        );
      }
      throw err;
    }
  }

  /**
   * One connection check per account per CONNECTION_CHECK_INTERVAL_SECONDS: each check takes a slot of
   * the worker and a sign-in on the account's ERP, so a script hammering "validate" is turned away here.
   * @throws TooManyRequestsError (429 with Retry-After) when the account checked too recently
   */
  private admit(accountId: string): void {
    const now = this.now().getTime();
    const intervalMs = this.deps.config.CONNECTION_CHECK_INTERVAL_SECONDS * 1000;
    const last = this.lastChecks.get(accountId);
    if (last !== undefined && now - last < intervalMs) {
      const wait = Math.ceil((last + intervalMs - now) / 1000);
      throw new TooManyRequestsError(
        'too_many_checks',
        `the connection of this account was checked less than ${this.deps.config.CONNECTION_CHECK_INTERVAL_SECONDS} s ago; try again in ${wait} s`,
        wait,
      );
    }
    if (this.lastChecks.size >= 10_000) {
      for (const [id, at] of this.lastChecks) if (now - at >= intervalMs) this.lastChecks.delete(id);
    }
    this.lastChecks.set(accountId, now);
  }
}
