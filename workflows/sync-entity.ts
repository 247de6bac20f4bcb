import {
  ActivityCancellationType,
  ApplicationFailure,
  ActivityFailure,
  ContinueAsNew,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type { AcumaticaActivities, PageInput } from '../activities/types';
import { ENTITIES, type EntityType } from '../core/entities';
import {
  addCascade,
  addCounts,
  addSkips,
  emptyCounts,
  MAX_LISTED_FAILURES,
  FAILURE_TYPES,
  NON_RETRYABLE_FAILURE_TYPES,
  type EntityCounts,
  type EntityProgress,
  type EntityResult,
  type PageResult,
  type RecordFailure,
  type RunPlan,
  type CascadeCounts,
  type SkipCounts,
} from '../core/runs';
import { entityProgressQuery, entityProgressSignal } from './definitions';

export interface SyncEntityInput {
  plan: Pick<RunPlan, 'accountId' | 'runId' | 'full' | 'settings' | 'runtime' | 'connectionVersion'>;
  entity: EntityType;
  pullSince: string | null;
  /** Carried across continue-as-new; absent on the first run of the child. */
  state?: SyncEntityState;
}

export interface SyncEntityState {
  stage: 'pull' | 'push' | 'done';
  cursor: string | null;
  counts: EntityCounts;
  failures: RecordFailure[];
  missingGeo: string[];
  missingGeoCount: number;
  pages: number;
  pullStartedAt: string | null;
  pullCompletedFrom: string | null;
  /** Absent in states carried over by runs that started before skips and cascades were counted. */
  skippedBy?: SkipCounts;
  cascade?: CascadeCounts;
}

const MAX_LISTED_MISSING_GEO = 200;
/**
 * Progress goes to the parent run when the stage changes and otherwise at most this often (workflow time):
 * every signal costs history events in both workflows, and a page takes well under this.
 */
export const PROGRESS_REPORT_INTERVAL_MS = 10_000;
const PROGRESS_THROTTLE_PATCH = 'throttled-progress-reports';
/** Runs before it reported a page's schedule-to-close timeout as the failure it wrapped. */
const UNREACHABLE_PATCH = 'unreachable-acumatica';

/**
 * One entity type of one run: pulls what Acumatica changed in the window (so last-modified-wins is decided
 * before we write anything), then pushes the marked records (all of them on a full run), page by page.
 * Only cursors and counts pass through history; the child continues as new before its history grows large.
 * A failure that survives the activity retries ends this entity type as failed; the run goes on.
 */
export async function syncEntity(input: SyncEntityInput): Promise<EntityResult> {
  const { plan, entity } = input;
  const def = ENTITIES[entity];
  const acumatica = proxyActivities<AcumaticaActivities>({
    taskQueue: plan.runtime.acumaticaTaskQueue,
    // Acumatica delays over-limit requests instead of refusing them: pages may take long.
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '2 minutes',
    // One page's attempts together: past this Acumatica counts as unreachable (activity options only,
    // replay-safe; older plans carry no value and keep 6 hours).
    scheduleToCloseTimeout:
      plan.runtime.unreachableTimeoutSeconds !== undefined
        ? plan.runtime.unreachableTimeoutSeconds * 1000
        : '6 hours',
    // A cancelled run releases the account's lock when it finishes: its page activities must have stopped
    // by then, or a zombie push could race the next run's push of the same records.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: {
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: '2 minutes',
      nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES,
    },
  });

  const firstStage = def.directions.includes('pull') ? 'pull' : 'push';
  const state: SyncEntityState = input.state ?? {
    stage: firstStage,
    cursor: null,
    counts: emptyCounts(),
    failures: [],
    missingGeo: [],
    missingGeoCount: 0,
    pages: 0,
    pullStartedAt: null,
    pullCompletedFrom: null,
  };
  let error: string | undefined;
  const progress = (): EntityProgress => ({
    status: state.stage === 'done' ? (error ? 'failed' : 'done') : 'running',
    phase: state.stage === 'done' ? 'idle' : state.stage,
    counts: state.counts,
    pages: state.pages,
    ...(error ? { error } : {}),
  });
  setHandler(entityProgressQuery, progress);
  const parent = workflowInfo().parent;
  let reported: { stage: SyncEntityState['stage']; at: number } | null = null;
  const report = async () => {
    if (!parent) return;
    reported = { stage: state.stage, at: Date.now() };
    await getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(
      entityProgressSignal,
      entity,
      progress(),
    );
  };
  const reportDue = () =>
    reported === null ||
    reported.stage !== state.stage ||
    Date.now() - reported.at >= PROGRESS_REPORT_INTERVAL_MS;

  const base: Omit<PageInput, 'cursor'> = {
    accountId: plan.accountId,
    runId: plan.runId,
    entity,
    full: plan.full,
    settings: plan.settings,
    pageSize: plan.runtime.pageSize,
    ...(plan.connectionVersion ? { connectionVersion: plan.connectionVersion } : {}),
  };

  try {
    while (state.stage !== 'done') {
      if (state.stage === 'pull' && state.pullStartedAt === null)
        state.pullStartedAt = new Date().toISOString();
      const page: PageResult =
        state.stage === 'pull'
          ? await acumatica.pullPage({ ...base, cursor: state.cursor, since: input.pullSince })
          : await acumatica.pushPage({ ...base, cursor: state.cursor });
      absorb(state, page);
      if (page.cursor === null) {
        if (state.stage === 'pull') {
          // The next run may start where this pull started: everything modified before it was applied.
          state.pullCompletedFrom = state.pullStartedAt;
          state.stage = def.directions.includes('push') ? 'push' : 'done';
        } else {
          state.stage = 'done';
        }
        state.cursor = null;
      } else {
        state.cursor = page.cursor;
      }
      // Runs that started before throttling kept reporting every page; replay them as they ran.
      if (!patched(PROGRESS_THROTTLE_PATCH) || reportDue()) await report();
      const info = workflowInfo();
      if (
        state.stage !== 'done' &&
        (info.historyLength >= plan.runtime.continueAsNewAt || info.continueAsNewSuggested)
      ) {
        await continueAsNew<typeof syncEntity>({ ...input, state });
      }
    }
  } catch (err) {
    // continueAsNew() ends this run by throwing: it must leave the workflow, not become a failure.
    if (isCancellation(err) || err instanceof ContinueAsNew) throw err;
    const timedOut = pageTimedOut(err);
    const unreachable = timedOut && patched(UNREACHABLE_PATCH) ? timedOut : undefined;
    error = unreachable
      ? `Acumatica unreachable: a page kept failing for ${plan.runtime.unreachableTimeoutSeconds ?? 0} s (SYNC_UNREACHABLE_TIMEOUT_SECONDS); last failure: ${describeFailure(unreachable)}`
      : describeFailure(err);
    state.stage = 'done';
    await report();
    return result(entity, state, 'failed', error, unreachable ? FAILURE_TYPES.unreachable : failureType(err));
  }
  return result(entity, state, 'done');
}

function absorb(state: SyncEntityState, page: PageResult): void {
  state.counts = addCounts(state.counts, page.counts);
  if (page.skippedBy) state.skippedBy = addSkips(state.skippedBy ?? {}, page.skippedBy);
  if (page.cascade) state.cascade = addCascade(state.cascade ?? {}, page.cascade);
  state.pages += 1;
  if (state.failures.length < MAX_LISTED_FAILURES) {
    state.failures.push(...page.failures.slice(0, MAX_LISTED_FAILURES - state.failures.length));
  }
  state.missingGeoCount += page.missingGeoCount ?? 0;
  if (page.missingGeo && state.missingGeo.length < MAX_LISTED_MISSING_GEO) {
    state.missingGeo.push(...page.missingGeo.slice(0, MAX_LISTED_MISSING_GEO - state.missingGeo.length));
  }
}

function result(
  entity: EntityType,
  state: SyncEntityState,
  status: 'done' | 'failed',
  error?: string,
  errorType?: string,
): EntityResult {
  return {
    entity,
    status,
    counts: state.counts,
    failures: state.failures,
    missingGeo: state.missingGeo,
    missingGeoCount: state.missingGeoCount,
    pullCompletedFrom: state.pullCompletedFrom,
    pages: state.pages,
    ...(state.skippedBy ? { skippedBy: state.skippedBy } : {}),
    ...(state.cascade ? { cascade: state.cascade } : {}),
    ...(error ? { error } : {}),
    ...(errorType ? { errorType } : {}),
  };
}

/** The failure's own message, unwrapped from Temporal's activity/child wrappers. */
export function describeFailure(err: unknown): string {
  let current: unknown = err;
  while (
    (current instanceof ActivityFailure || isWrapper(current)) &&
    (current as { cause?: unknown }).cause
  ) {
    current = (current as { cause?: unknown }).cause;
  }
  return current instanceof Error ? current.message : String(current);
}

/**
 * When a page's attempts together outlasted its schedule-to-close time, the last failure they met
 * (Temporal ends the retries with that failure, or with a timeout wrapping it); otherwise undefined.
 */
function pageTimedOut(err: unknown): Error | undefined {
  if (!(err instanceof ActivityFailure) || err.retryState !== 'TIMEOUT') return undefined;
  const cause = err.cause;
  if (cause instanceof TimeoutFailure) return cause.cause ?? cause;
  return cause ?? err;
}

/** The `type` of the innermost ApplicationFailure, which workflows branch on. */
export function failureType(err: unknown): string | undefined {
  let current: unknown = err;
  while (current) {
    if (current instanceof ApplicationFailure && current.type) return current.type;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isWrapper(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ChildWorkflowFailure' || err.name === 'ActivityFailure');
}
