/**
 * Sync runs as the API sees them: starting a manual run under the account's run lock, listing runs from
 * Temporal visibility, describing one (result summary or live progress), its history as a readable event
 * log, and cancelling. Everything is read from Temporal; nothing is copied. (The connection check:
 * connection-checks.ts.)
 */
import {
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import type { Config } from '../../runtime/config';
import type { EntityType } from '../../core/entities';
import type { EntityCounts, RunSummary, SyncRunInput } from '../../core/runs';
import { SEARCH_ATTRIBUTES } from '../../core/search-attributes';
import type { Logger } from '../../runtime/logger';
import type { RunLocks } from '../../store';
import { progressQuery, type RunProgress } from '../../workflows/definitions';
import { ApiError, notFound } from '../errors';
import type { ApiMetrics } from '../metrics';
import { formatHistory, type HistoryEntry, type HistoryLike } from './history';
import { startUnderRunLock } from './locked-start';

export const RUN_STATUSES = [
  'running',
  'completed',
  'failed',
  'canceled',
  'terminated',
  'timed-out',
  'continued-as-new',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Our status names ↔ Temporal's ExecutionStatus (visibility query values and describe names). */
const STATUS_QUERY: Record<RunStatus, string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  canceled: 'Canceled',
  terminated: 'Terminated',
  'timed-out': 'TimedOut',
  'continued-as-new': 'ContinuedAsNew',
};
const STATUS_NAME: Record<string, RunStatus> = {
  RUNNING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'canceled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed-out',
  CONTINUED_AS_NEW: 'continued-as-new',
};

export interface RunInfo {
  /** The workflow id: what `/syncs/:runId` takes, URL-encoded. */
  runId: string;
  workflowId: string;
  temporalRunId: string;
  status: RunStatus | 'unknown';
  trigger: string | null;
  full: boolean | null;
  outcome: string | null;
  failedCount: number | null;
  /** One line written by the run when it finished (its memo). */
  summary: string | null;
  /** Totals over all entity types, when the run put them in its memo. */
  counts: EntityCounts | null;
  startedAt: string;
  closedAt: string | null;
  temporalUiUrl: string;
}

export interface RunDetail extends RunInfo {
  /** Live progress while running (null when no worker answered the query). */
  progress: RunProgress | null;
  /** The run's summary once it completed: per entity type counts and the failed records with messages. */
  result: RunSummary | null;
  /** Why the run failed, when it did. */
  failure: string | null;
}

export interface StartResult {
  runId: string;
  workflowId: string;
  status: 'started' | 'already-running';
  temporalUiUrl: string;
}

export interface ListRunsFilter {
  status?: RunStatus;
  since?: Date;
  until?: Date;
  limit: number;
}

export interface SyncServiceDeps {
  client: Client;
  runLocks: RunLocks;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'TEMPORAL_UI_URL' | 'TEMPORAL_NAMESPACE'>;
  metrics: ApiMetrics;
  logger: Logger;
  /** Clock for workflow ids; tests pass their own. */
  now?: () => Date;
}

/** Quotes a value for a visibility query. Values are our own ids: anything else is refused, not escaped. */
function quote(value: string): string {
  if (!/^[A-Za-z0-9_:./-]+$/.test(value)) throw new ApiError(400, 'validation_failed', 'invalid query value');
  return `'${value}'`;
}

export class SyncService {
  private readonly now: () => Date;

  constructor(private readonly deps: SyncServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Link to a workflow in the Temporal Web UI. */
  uiUrl(workflowId: string): string {
    const { TEMPORAL_UI_URL, TEMPORAL_NAMESPACE } = this.deps.config;
    const base = TEMPORAL_UI_URL.replace(/\/+$/, '');
    return `${base}/namespaces/${encodeURIComponent(TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;
  }

  /**
   * Starts a manual run unless one is in progress. The account's run lock is taken for the new workflow id
   * before the workflow starts, so concurrent requests (and schedule ticks) make one run: the others get the
   * running one back with `already-running`.
   */
  async startManual(
    accountId: string,
    options: { full: boolean; entityTypes?: EntityType[] },
  ): Promise<StartResult> {
    const workflowId = `sync/${accountId}/manual-${this.now().toISOString()}`;
    const input: SyncRunInput = {
      accountId,
      trigger: 'manual',
      full: options.full,
      ...(options.entityTypes ? { entityTypes: options.entityTypes } : {}),
    };
    const start = await startUnderRunLock(
      this.deps,
      accountId,
      {
        type: 'syncAccount',
        workflowId,
        input,
        searchAttributes: [
          { key: SEARCH_ATTRIBUTES.trigger, value: 'manual' },
          { key: SEARCH_ATTRIBUTES.full, value: options.full },
        ],
        summary: `${options.full ? 'Full' : 'Incremental'} sync of account ${accountId}, started through the API`,
      },
      // Two requests in the same millisecond choose the same id: the second gets the first one's run.
      { startWhenHeld: false, sameIdRaces: true },
    );
    if (start.status === 'held') return this.alreadyRunning(start.heldBy);
    if (start.status === 'already-started') return this.alreadyRunning(workflowId);
    this.deps.metrics.runStarted('manual', 'started');
    this.deps.logger.info({ accountId, workflowId, full: options.full }, 'sync run started');
    return { runId: workflowId, workflowId, status: 'started', temporalUiUrl: this.uiUrl(workflowId) };
  }

  private alreadyRunning(workflowId: string): StartResult {
    this.deps.metrics.runStarted('manual', 'already-running');
    return {
      runId: workflowId,
      workflowId,
      status: 'already-running',
      temporalUiUrl: this.uiUrl(workflowId),
    };
  }

  /** The account's runs, newest first, from Temporal visibility. */
  async list(accountId: string, filter: ListRunsFilter): Promise<RunInfo[]> {
    const clauses = [
      `WorkflowType = 'syncAccount'`,
      `${SEARCH_ATTRIBUTES.account.name} = ${quote(accountId)}`,
    ];
    if (filter.status) clauses.push(`ExecutionStatus = '${STATUS_QUERY[filter.status]}'`);
    if (filter.since) clauses.push(`StartTime >= '${filter.since.toISOString()}'`);
    if (filter.until) clauses.push(`StartTime < '${filter.until.toISOString()}'`);
    const runs: RunInfo[] = [];
    for await (const info of this.deps.client.workflow.list({
      query: clauses.join(' AND '),
      pageSize: filter.limit,
    })) {
      runs.push(this.toRunInfo(info));
      if (runs.length >= filter.limit) break;
    }
    return runs;
  }

  /**
   * One run of the account: its description, then the result summary when it completed, the failure when it
   * failed, or live progress (the `progress` query) while it runs.
   * @throws ApiError 404 when the workflow does not exist, is not a run, or belongs to another account
   */
  async get(accountId: string, workflowId: string): Promise<RunDetail> {
    const description = await this.describeRun(accountId, workflowId);
    const info = this.toRunInfo(description);
    const handle = this.deps.client.workflow.getHandle(workflowId, description.runId);
    let progress: RunProgress | null = null;
    let result: RunSummary | null = null;
    let failure: string | null = null;
    if (info.status === 'running') {
      try {
        progress = await handle.query(progressQuery);
        await this.addLastFailures(workflowId, progress);
      } catch (err) {
        // No worker polling right now: the description still says it is running.
        this.deps.logger.warn({ workflowId, err: (err as Error).message }, 'progress query failed');
      }
    } else if (info.status === 'completed') {
      result = (await handle.result()) as RunSummary;
    } else {
      try {
        await handle.result();
      } catch (err) {
        failure = describeFailure(err);
      }
    }
    return { ...info, progress, result, failure };
  }

  /** The run's workflow history as a readable event log, fetched from Temporal. */
  async history(accountId: string, workflowId: string): Promise<HistoryEntry[]> {
    const description = await this.describeRun(accountId, workflowId);
    const history = await this.deps.client.workflow.getHandle(workflowId, description.runId).fetchHistory();
    return formatHistory(history as HistoryLike);
  }

  /** Requests cancellation; the run finishes its bookkeeping and ends as cancelled. */
  async cancel(accountId: string, workflowId: string): Promise<RunInfo> {
    const description = await this.describeRun(accountId, workflowId);
    const info = this.toRunInfo(description);
    if (info.status !== 'running') {
      throw new ApiError(409, 'not_running', `run ${workflowId} is not running (it is ${info.status})`);
    }
    await this.deps.client.workflow.getHandle(workflowId, description.runId).cancel();
    this.deps.logger.info({ accountId, workflowId }, 'sync run cancel requested');
    return info;
  }

  /**
   * Adds, to each entity type still running, the last failure of the page Temporal is retrying (the
   * pending activity of its child workflow): an unreachable Acumatica shows here while the run retries.
   */
  private async addLastFailures(workflowId: string, progress: RunProgress): Promise<void> {
    await Promise.all(
      Object.entries(progress.entities).map(async ([entity, entityProgress]) => {
        if (!entityProgress || entityProgress.status === 'done' || entityProgress.status === 'failed') return;
        let description: WorkflowExecutionDescription;
        try {
          description = await this.deps.client.workflow.getHandle(`${workflowId}/${entity}`).describe();
        } catch (err) {
          // Not started yet (a later phase): nothing to show.
          if (err instanceof WorkflowNotFoundError) return;
          throw err;
        }
        const pending = description.raw.pendingActivities?.find((a) => a.lastFailure?.message);
        if (!pending?.lastFailure?.message) return;
        const type = pending.lastFailure.applicationFailureInfo?.type;
        entityProgress.lastFailure = {
          message: pending.lastFailure.message,
          ...(type ? { type } : {}),
          attempt: pending.attempt ?? 1,
        };
      }),
    );
  }

  private async describeRun(accountId: string, workflowId: string): Promise<WorkflowExecutionDescription> {
    // Ids of an account's runs start with sync/<account>/; anything else is not this account's run.
    if (!workflowId.startsWith(`sync/${accountId}/`)) throw notFound('sync run');
    let description: WorkflowExecutionDescription;
    try {
      description = await this.deps.client.workflow.getHandle(workflowId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound('sync run');
      throw err;
    }
    const owner = description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.account);
    if (description.type !== 'syncAccount' || (owner !== undefined && owner !== accountId)) {
      throw notFound('sync run');
    }
    return description;
  }

  private toRunInfo(info: Omit<WorkflowExecutionInfo, 'raw'>): RunInfo {
    const attrs = info.typedSearchAttributes;
    const status = STATUS_NAME[info.status.name] ?? 'unknown';
    const memo = (info.memo ?? {}) as { summary?: unknown; totals?: unknown };
    const run: RunInfo = {
      runId: info.workflowId,
      workflowId: info.workflowId,
      temporalRunId: info.runId,
      status,
      trigger: attrs.get(SEARCH_ATTRIBUTES.trigger) ?? null,
      full: attrs.get(SEARCH_ATTRIBUTES.full) ?? null,
      outcome: attrs.get(SEARCH_ATTRIBUTES.outcome) ?? null,
      failedCount: attrs.get(SEARCH_ATTRIBUTES.failedCount) ?? null,
      summary: typeof memo.summary === 'string' ? memo.summary : null,
      counts: isCounts(memo.totals) ? memo.totals : null,
      startedAt: info.startTime.toISOString(),
      closedAt: info.closeTime?.toISOString() ?? null,
      temporalUiUrl: this.uiUrl(info.workflowId),
    };
    if (status !== 'running' && status !== 'unknown') {
      this.deps.metrics.runClosed(
        run.workflowId,
        run.temporalRunId,
        run.outcome ?? status,
        run.trigger ?? 'unknown',
      );
    }
    return run;
  }
}

function isCounts(value: unknown): value is EntityCounts {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return ['pushed', 'pulled', 'unchanged', 'failed'].every((k) => typeof v[k] === 'number');
}

/** A failure's message with its causes, e.g. "Activity task failed: AcumaticaAuth: invalid credentials". */
export function describeFailure(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current.message && !parts.includes(current.message)) parts.push(current.message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(': ') || 'unknown failure';
}
