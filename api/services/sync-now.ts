/**
 * "Sync now" as the API sees it: starting a `syncRecords` workflow for chosen records under the account's
 * run lock, and reading its per-record outcome back from Temporal.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../../runtime/config';
import { ENTITIES, type EntityType } from '../../core/entities';
import type { Logger } from '../../runtime/logger';
import { SEARCH_ATTRIBUTES } from '../../core/search-attributes';
import type { SyncRecordsInput, SyncRecordsState } from '../../core/targeted-sync';
import type { RunLocks } from '../../store';
import { syncRecordsStateQuery } from '../../workflows/definitions';
import { notFound } from '../errors';
import { startUnderRunLock } from './locked-start';
import type { SyncService } from './syncs';

export interface SyncNowStart {
  syncId: string;
  workflowId: string;
  /** `started`: it holds the account now; `waiting`: it waits behind the run in `waitingBehind`. */
  status: 'started' | 'waiting';
  waitingBehind: string | null;
  temporalUiUrl: string;
}

export interface SyncNowDetail {
  syncId: string;
  workflowId: string;
  status: 'running' | 'completed' | 'failed' | 'canceled' | 'terminated' | 'timed-out' | 'unknown';
  /** The workflow's state: each record's outcome, the pull back, or what it waits behind. */
  state: SyncRecordsState | null;
  startedAt: string;
  closedAt: string | null;
  temporalUiUrl: string;
}

export type SyncNowListItem = Omit<SyncNowDetail, 'state'> & {
  entity: string | null;
  /** One line written when it finished, e.g. "done: 2 pushed, 0 unchanged, 0 pulled, 0 failed (2 invoices)". */
  summary: string | null;
};

const STATUS: Record<string, SyncNowDetail['status']> = {
  RUNNING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'canceled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed-out',
};

export interface SyncNowServiceDeps {
  client: Client;
  runLocks: RunLocks;
  syncs: Pick<SyncService, 'uiUrl'>;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE'>;
  logger: Logger;
  now?: () => Date;
}

export class SyncNowService {
  private readonly now: () => Date;

  constructor(private readonly deps: SyncNowServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Starts "sync now" of records of one type. The run lock is taken for the new workflow before it starts
   * when it is free (`started`); when a run holds it the workflow still starts and waits behind that run
   * (`waiting`), taking the lock as soon as it is free.
   */
  async start(accountId: string, entity: EntityType, ids: string[]): Promise<SyncNowStart> {
    const workflowId = `sync-now/${accountId}/${this.now().toISOString()}`;
    const input: SyncRecordsInput = { accountId, entity, ids };
    const { heldBy: waitingBehind } = await startUnderRunLock(
      this.deps,
      accountId,
      {
        type: 'syncRecords',
        workflowId,
        input,
        searchAttributes: [
          { key: SEARCH_ATTRIBUTES.trigger, value: 'sync-now' },
          { key: SEARCH_ATTRIBUTES.entity, value: entity },
        ],
        summary: `Sync now: ${ids.length} ${ENTITIES[entity].label.toLowerCase()}${ids.length === 1 ? '' : 's'} of account ${accountId}`,
      },
      { startWhenHeld: true, sameIdRaces: false },
    );
    this.deps.logger.info(
      { accountId, workflowId, entity, count: ids.length, waitingBehind },
      'sync now started',
    );
    return {
      syncId: workflowId,
      workflowId,
      status: waitingBehind ? 'waiting' : 'started',
      waitingBehind,
      temporalUiUrl: this.deps.syncs.uiUrl(workflowId),
    };
  }

  /**
   * The account's "sync now" workflows, newest first, from Temporal visibility: status, entity type and the
   * one-line summary each wrote when it finished.
   */
  async list(accountId: string, limit: number): Promise<SyncNowListItem[]> {
    // The account id was validated by the route (letters, digits, underscore): safe inside the query.
    const query = `WorkflowType = 'syncRecords' AND ${SEARCH_ATTRIBUTES.account.name} = '${accountId}'`;
    const items: SyncNowListItem[] = [];
    for await (const info of this.deps.client.workflow.list({ query, pageSize: limit })) {
      const memo = (info.memo ?? {}) as { summary?: unknown };
      items.push({
        syncId: info.workflowId,
        workflowId: info.workflowId,
        status: STATUS[info.status.name] ?? 'unknown',
        entity: info.typedSearchAttributes.get(SEARCH_ATTRIBUTES.entity) ?? null,
        summary: typeof memo.summary === 'string' ? memo.summary : null,
        startedAt: info.startTime.toISOString(),
        closedAt: info.closeTime?.toISOString() ?? null,
        temporalUiUrl: this.deps.syncs.uiUrl(info.workflowId),
      });
      if (items.length >= limit) break;
    }
    return items;
  }

  /**
   * One "sync now": its live state while running (waiting, pushing, pulling), each record's outcome once done.
   * @throws ApiError 404 when it does not exist or belongs to another account
   */
  async get(accountId: string, workflowId: string): Promise<SyncNowDetail> {
    if (!workflowId.startsWith(`sync-now/${accountId}/`)) throw notFound('sync now');
    const handle = this.deps.client.workflow.getHandle(workflowId);
    let description;
    try {
      description = await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound('sync now');
      throw err;
    }
    if (description.type !== 'syncRecords') throw notFound('sync now');
    const status = STATUS[description.status.name] ?? 'unknown';
    let state: SyncRecordsState | null = null;
    if (status === 'completed') {
      state = (await handle.result()) as SyncRecordsState;
    } else if (status === 'running') {
      try {
        state = await handle.query(syncRecordsStateQuery);
      } catch (err) {
        // No worker polling right now: the description still says it is running.
        this.deps.logger.warn({ workflowId, err: (err as Error).message }, 'sync now state query failed');
      }
    }
    return {
      syncId: workflowId,
      workflowId,
      status,
      state,
      startedAt: description.startTime.toISOString(),
      closedAt: description.closeTime?.toISOString() ?? null,
      temporalUiUrl: this.deps.syncs.uiUrl(workflowId),
    };
  }
}
