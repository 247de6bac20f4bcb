/**
 * Shapes of a sync run that travel through Temporal history: plans, per-page results, per-entity results,
 * live progress and the run summary. Only ids, cursors and counts — never record bodies or secrets.
 * Pure, safe inside the workflow sandbox.
 */
import type { EntityType } from './entities';

/** What a run lock holder's workflow is doing, as far as Temporal knows. */
export type HolderStatus = 'running' | 'closed' | 'not-found';

/**
 * Asks whether a run lock holder still runs; injected into the store's run lock so the store knows
 * MongoDB only (runtime/run-lock-holders.ts asks Temporal).
 */
export type HolderCheck = (workflowId: string) => Promise<HolderStatus>;

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
  /**
   * The version of the account's connection when the run started (absent in runs planned before it was
   * recorded): page activities fail with `AccountConfigError` once the connection was edited.
   */
  connectionVersion?: string;
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

/**
 * What happened to the records of a run. Every record Acumatica returned to a pull is exactly one of
 * pulled, unchanged, skipped (a setting leaves it out; see `SkipReason`) or failed.
 */
export interface EntityCounts {
  pushed: number;
  pulled: number;
  unchanged: number;
  /** Pulled records the account's settings leave out; absent in runs recorded before it existed. */
  skipped?: number;
  failed: number;
}

/** Why a pulled record is skipped rather than written. */
export type SkipReason = 'sub-customers-off' | 'customer-not-synced';

/** Skipped records by reason. */
export type SkipCounts = Partial<Record<SkipReason, number>>;

/** Counts of records pushed or failed by the cascade (dependencies pushed first), by their own type. */
export type CascadeCounts = Partial<Record<EntityType, EntityCounts>>;

export const emptyCounts = (): EntityCounts => ({
  pushed: 0,
  pulled: 0,
  unchanged: 0,
  skipped: 0,
  failed: 0,
});

export function addCounts(a: EntityCounts, b: Partial<EntityCounts>): EntityCounts {
  return {
    pushed: a.pushed + (b.pushed ?? 0),
    pulled: a.pulled + (b.pulled ?? 0),
    unchanged: a.unchanged + (b.unchanged ?? 0),
    skipped: (a.skipped ?? 0) + (b.skipped ?? 0),
    failed: a.failed + (b.failed ?? 0),
  };
}

/** Adds skip counts by reason. */
export function addSkips(a: SkipCounts, b: SkipCounts | undefined): SkipCounts {
  const out: SkipCounts = { ...a };
  for (const [reason, n] of Object.entries(b ?? {}) as [SkipReason, number][])
    out[reason] = (out[reason] ?? 0) + n;
  return out;
}

/** Adds cascade counts entity type by entity type. */
export function addCascade(a: CascadeCounts, b: CascadeCounts | undefined): CascadeCounts {
  const out: CascadeCounts = { ...a };
  for (const [entity, counts] of Object.entries(b ?? {}) as [EntityType, EntityCounts][])
    out[entity] = addCounts(out[entity] ?? emptyCounts(), counts);
  return out;
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
  /** Skipped pulled records by reason (their sum is `counts.skipped`). */
  skippedBy?: SkipCounts;
  /** Dependencies of other types this page pushed, or failed to push, by the cascade. */
  cascade?: CascadeCounts;
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
  skippedBy?: SkipCounts;
  /** Dependencies of other types this entity type's pages pushed or failed (counted under their own type). */
  cascade?: CascadeCounts;
}

/** One entity type in a run summary: its own pages' counts plus what other types' cascades did to it. */
export type EntitySummary = Omit<EntityResult, 'failures' | 'missingGeo' | 'cascade'> & {
  /** Of `counts`, the records pushed or failed inside other entity types' pages (their dependencies). */
  cascaded?: EntityCounts;
};

export interface RunSummary {
  accountId: string;
  runId: string;
  trigger: RunTrigger;
  full: boolean;
  outcome: RunOutcome;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Every record counted once, under its own entity type, cascaded dependencies included. */
  totals: EntityCounts;
  /** Skipped pulled records by reason. */
  skippedBy?: SkipCounts;
  /** Entity types that failed outright (their error is in `entities`). */
  failedEntityTypes?: EntityType[];
  entities: Partial<Record<EntityType, EntitySummary>>;
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
  const failedRecords = results.reduce(
    (n, r) => n + r.counts.failed + Object.values(r.cascade ?? {}).reduce((m, c) => m + c.failed, 0),
    0,
  );
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
  const cascade = results.reduce<CascadeCounts>((acc, r) => addCascade(acc, r.cascade), {});
  const totals = [...results.map((r) => r.counts), ...Object.values(cascade)].reduce(
    (acc, c) => addCounts(acc, c),
    emptyCounts(),
  );
  const failures = results.flatMap((r) => r.failures).slice(0, MAX_LISTED_FAILURES);
  const entities: RunSummary['entities'] = {};
  for (const r of results) {
    const { failures: _f, missingGeo: _m, cascade: _c, ...rest } = r;
    entities[r.entity] = rest;
  }
  for (const [entity, counts] of Object.entries(cascade) as [EntityType, EntityCounts][]) {
    // A dependency type the run did not sync itself still shows what the cascade did to it.
    const own = entities[entity] ?? {
      entity,
      status: 'done',
      counts: emptyCounts(),
      missingGeoCount: 0,
      pages: 0,
    };
    entities[entity] = { ...own, counts: addCounts(own.counts, counts), cascaded: counts };
  }
  const skippedBy = results.reduce<SkipCounts>((acc, r) => addSkips(acc, r.skippedBy), {});
  const failedEntityTypes = results.filter((r) => r.status === 'failed').map((r) => r.entity);
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
    ...(Object.keys(skippedBy).length > 0 ? { skippedBy } : {}),
    ...(failedEntityTypes.length > 0 ? { failedEntityTypes } : {}),
    entities,
    failures,
    customersMissingGeo: { count: geo?.missingGeoCount ?? 0, ids: geo?.missingGeo ?? [] },
    ...(message ? { message } : {}),
  };
}

/**
 * The counts of a run in words, e.g. "12 pushed, 30 pulled, 4 skipped, 1 failed, 2 entity types failed":
 * zero skips are left out, failed records and failed entity types always said when there are any.
 */
export function describeCounts(summary: RunSummary, options: { unchanged?: boolean } = {}): string {
  const t = summary.totals;
  const parts = [`${t.pushed} pushed`, `${t.pulled} pulled`];
  if (options.unchanged) parts.push(`${t.unchanged} unchanged`);
  if (t.skipped) parts.push(`${t.skipped} skipped`);
  parts.push(`${t.failed} failed`);
  const types = summary.failedEntityTypes?.length ?? 0;
  if (types > 0) parts.push(`${types} entity type${types === 1 ? '' : 's'} failed`);
  return parts.join(', ');
}

/** How many things of a run failed: records (cascaded ones included) and entity types that failed outright. */
export function failedCount(summary: RunSummary): number {
  return summary.totals.failed + (summary.failedEntityTypes?.length ?? 0);
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
  /** A bug in our code (TypeError, ReferenceError): the entity type fails with it, never a record note. */
  internal: 'InternalError',
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
