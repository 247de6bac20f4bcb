/**
 * Shapes of a sync run that travel through Temporal history: plans, per-page results, per-entity results,
 * live progress and the run summary. Only ids, cursors and counts — never record bodies or secrets.
 * Pure, safe inside the workflow sandbox.
 */
import type { EntityType } from './entities';

export const RUN_TRIGGERS = ['schedule', 'manual', 'api', 'demo'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export type RunOutcome = 'succeeded' | 'partial' | 'failed' | 'skipped' | 'cancelled';

/** What the run workflow is started with (by the schedule or the API). */
export interface SyncRunInput {
  accountId: string;
  trigger: RunTrigger;
  /** A full sync requested through the API (the account's "full sync on next run" flag also makes a run full). */
  full?: boolean;
  /** Limit the run to these entity types (intersected with the account's selection). */
  entityTypes?: EntityType[];
}

/** The non-secret settings a run needs, snapshotted at plan time so a run is consistent. */
export interface RunSettings {
  includeSubCustomers: boolean;
  skipFirstAddressLine: boolean;
  useShipToAddress: boolean;
  newCustomerType: 'BUSINESS' | 'RESIDENTIAL';
  useIntegrationDateForInvoices: boolean;
  restVersion: string;
}

export interface RunPlan {
  accountId: string;
  runId: string;
  trigger: RunTrigger;
  full: boolean;
  startedAt: string;
  entityTypes: EntityType[];
  settings: RunSettings;
  /** Per entity type, the ISO instant to pull from, or null to import everything (first run). */
  pullSince: Partial<Record<EntityType, string | null>>;
  /** Set when the run must not proceed (another run holds the account, or the account is gone). */
  skipReason?: string;
  /** Worker-side knobs the workflows cannot read from the environment themselves. */
  runtime: RunRuntime;
}

export interface RunRuntime {
  acumaticaTaskQueue: string;
  pageSize: number;
  /** History length at which an entity child continues as new. */
  continueAsNewAt: number;
  /**
   * How long one page may keep failing (all its retries) before the run gives up on an unreachable
   * Acumatica. Absent in plans made before it existed: those keep the old 6 hours.
   */
  unreachableTimeoutSeconds?: number;
}

export interface RecordFailure {
  entity: EntityType;
  recordId: string;
  label: string;
  message: string;
}

export interface EntityCounts {
  pushed: number;
  pulled: number;
  unchanged: number;
  failed: number;
}

export const emptyCounts = (): EntityCounts => ({ pushed: 0, pulled: 0, unchanged: 0, failed: 0 });

export function addCounts(a: EntityCounts, b: Partial<EntityCounts>): EntityCounts {
  return {
    pushed: a.pushed + (b.pushed ?? 0),
    pulled: a.pulled + (b.pulled ?? 0),
    unchanged: a.unchanged + (b.unchanged ?? 0),
    failed: a.failed + (b.failed ?? 0),
  };
}

/** The most failures a run keeps by name; the counts stay exact beyond it. */
export const MAX_LISTED_FAILURES = 200;

/** Result of one push or pull page, returned by an activity. */
export interface PageResult {
  counts: EntityCounts;
  failures: RecordFailure[];
  /** Opaque cursor for the next page, or null when this direction is done. */
  cursor: string | null;
  /** Customers pulled or pushed without a valid latitude/longitude (ids, capped). */
  missingGeo?: string[];
  missingGeoCount?: number;
  /** Latest Acumatica modified time seen on a pulled page (ISO), for the watermark. */
  maxModifiedAt?: string | null;
}

export type EntityStatus = 'waiting' | 'running' | 'done' | 'failed';

export interface EntityProgress {
  status: EntityStatus;
  phase: 'push' | 'pull' | 'idle';
  counts: EntityCounts;
  pages: number;
  error?: string;
  /** While a page is being retried: its last failure (added by the API from Temporal's pending activity). */
  lastFailure?: { message: string; type?: string; attempt: number };
}

export interface EntityResult {
  entity: EntityType;
  status: 'done' | 'failed';
  counts: EntityCounts;
  failures: RecordFailure[];
  missingGeo: string[];
  missingGeoCount: number;
  /** Set when the pull completed: the instant the next run's window may start from (before overlap). */
  pullCompletedFrom?: string | null;
  error?: string;
  /** The failure `type` that ended this entity type, e.g. AcumaticaAuth. */
  errorType?: string;
  pages: number;
}

export interface RunSummary {
  accountId: string;
  runId: string;
  trigger: RunTrigger;
  full: boolean;
  outcome: RunOutcome;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  totals: EntityCounts;
  entities: Partial<Record<EntityType, Omit<EntityResult, 'failures' | 'missingGeo'>>>;
  failures: RecordFailure[];
  customersMissingGeo: { count: number; ids: string[] };
  message?: string;
}

/** One decision for how a run ended, used by the workflow and the summary. */
export function runOutcome(results: EntityResult[], cancelled: boolean): RunOutcome {
  if (cancelled) return 'cancelled';
  if (results.length === 0) return 'succeeded';
  const failedEntities = results.filter((r) => r.status === 'failed').length;
  if (failedEntities === results.length) return 'failed';
  const failedRecords = results.reduce((n, r) => n + r.counts.failed, 0);
  return failedEntities > 0 || failedRecords > 0 ? 'partial' : 'succeeded';
}

/** Builds the run summary ("automatic reminder") from the entity results. */
export function buildSummary(
  plan: RunPlan,
  results: EntityResult[],
  finishedAt: string,
  cancelled: boolean,
  message?: string,
): RunSummary {
  const totals = results.reduce((acc, r) => addCounts(acc, r.counts), emptyCounts());
  const failures = results.flatMap((r) => r.failures).slice(0, MAX_LISTED_FAILURES);
  const entities: RunSummary['entities'] = {};
  for (const r of results) {
    const { failures: _f, missingGeo: _m, ...rest } = r;
    entities[r.entity] = rest;
  }
  const geo = results.find((r) => r.entity === 'customers');
  return {
    accountId: plan.accountId,
    runId: plan.runId,
    trigger: plan.trigger,
    full: plan.full,
    outcome: runOutcome(results, cancelled),
    startedAt: plan.startedAt,
    finishedAt,
    durationMs: Date.parse(finishedAt) - Date.parse(plan.startedAt),
    totals,
    entities,
    failures,
    customersMissingGeo: { count: geo?.missingGeoCount ?? 0, ids: geo?.missingGeo ?? [] },
    ...(message ? { message } : {}),
  };
}

/** Failure `type` strings activities throw; retry policies and workflows key on these, never on classes. */
export const FAILURE_TYPES = {
  /** Acumatica rejected the request for good (422, 400, 404, 412): becomes the record's note. */
  rejected: 'AcumaticaRejected',
  /** Wrong credentials or no rights: the run ends quickly with one clear failure. */
  auth: 'AcumaticaAuth',
  /** The account is misconfigured (no connection, bad version): not worth retrying. */
  config: 'AccountConfigError',
  /** The account no longer exists. */
  accountNotFound: 'AccountNotFound',
  /** Licence throttling / 429: retried after the server's delay. */
  throttled: 'AcumaticaThrottled',
  /** API Login Limit: retried after minutes. */
  seatLimit: 'AcumaticaSeatLimit',
  /** Network, 5xx, conflicts: retried with backoff. */
  retryable: 'AcumaticaRetryable',
  /** A page kept failing for SYNC_UNREACHABLE_TIMEOUT_SECONDS: Acumatica is unreachable, the run stops. */
  unreachable: 'AcumaticaUnreachable',
  /** The account already holds its share of the worker's Acumatica slots: retried in a few seconds. */
  accountBusy: 'AccountBusy',
} as const;

export const NON_RETRYABLE_FAILURE_TYPES = [
  FAILURE_TYPES.rejected,
  FAILURE_TYPES.auth,
  FAILURE_TYPES.config,
  FAILURE_TYPES.accountNotFound,
];
