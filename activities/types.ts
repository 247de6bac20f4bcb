/**
 * The activity contracts the workflows call. Workflows import these types only (never the implementations),
 * so the sandbox never sees IO code. Inputs and results carry ids, cursors and counts, never record bodies.
 */
import type { EntityType } from '../core/entities';
import type {
  EntityCounts,
  PageResult,
  RecordFailure,
  RunPlan,
  RunSettings,
  RunSummary,
  SyncRunInput,
} from '../core/runs';
import type { RecordSyncOutcome, TargetedPlan } from '../core/targeted-sync';

export interface PlanRunInput extends SyncRunInput {
  /** The run workflow's id; it becomes the holder of the account's run lock. */
  workflowId: string;
  startedAt: string;
}

export interface PageInput {
  accountId: string;
  runId: string;
  entity: EntityType;
  full: boolean;
  settings: RunSettings;
  /** Opaque cursor from the previous page, null for the first page. */
  cursor: string | null;
  pageSize: number;
  /** The connection version the run started with (`RunPlan.connectionVersion`). */
  connectionVersion?: string;
}

export interface PullPageInput extends PageInput {
  /** ISO instant: pull records Acumatica modified at or after it; null imports everything. */
  since: string | null;
}

export interface FinishRunInput {
  workflowId: string;
  summary: RunSummary;
  /** Per entity type, where the next run's pull window may start (only for pulls that completed). */
  watermarks: Partial<Record<EntityType, string>>;
}

/** Activities that touch only MongoDB; they run on the sync task queue. */
export interface StoreActivities {
  /** Snapshots settings, decides full/incremental and the pull windows, takes the account's run lock. */
  planRun(input: PlanRunInput): Promise<RunPlan>;
  /** Stores the summary as a notification, clears the full-sync flag after a full run, advances watermarks, frees the lock. */
  finishRun(input: FinishRunInput): Promise<void>;
  /** Frees the run lock if this workflow holds it (used when a run ends early). */
  releaseRunLock(input: { accountId: string; workflowId: string }): Promise<void>;
  /**
   * Snapshots settings for a targeted workflow ("sync now", notification pulls) and, when `lock` is set,
   * tries to take the account's run lock for it.
   */
  planTargeted(input: { accountId: string; workflowId: string; lock: boolean }): Promise<TargetedPlan>;
}

/** Records of one type chosen by id ("sync now") or by Acumatica key (push notifications). */
export interface TargetedInput {
  accountId: string;
  runId: string;
  entity: EntityType;
  settings: RunSettings;
}

export interface PullRecordsResult {
  counts: EntityCounts;
  failures: RecordFailure[];
  /** Keys Acumatica no longer has (nothing is deleted on our side). */
  gone: string[];
  /** Given ids that were not pulled: no such record, or not in Acumatica yet (no External ID). */
  skippedIds: string[];
}

/** Activities that call Acumatica; they run on the Acumatica task queue, rate limited by the server. */
export interface AcumaticaActivities {
  /** Pushes one page of records (pending ones, or all on a full run) to Acumatica. */
  pushPage(input: PageInput): Promise<PageResult>;
  /** Pulls one page of records Acumatica changed in the window. */
  pullPage(input: PullPageInput): Promise<PageResult>;
  /** Pushes just these records, dependencies first ("sync now"). */
  pushRecords(input: TargetedInput & { ids: string[] }): Promise<RecordSyncOutcome[]>;
  /** Pulls just these records by key: given as our ids (their External IDs) or as Acumatica keys. */
  pullRecords(input: TargetedInput & { ids?: string[]; keys?: string[] }): Promise<PullRecordsResult>;
}

export interface ConnectionCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** The connection check the API starts as a workflow (the API never calls Acumatica itself). */
export interface ConnectionActivities {
  checkConnection(input: { accountId: string }): Promise<ConnectionCheck[]>;
}
