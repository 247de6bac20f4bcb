import {
  CancellationScope,
  executeChild,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { StoreActivities } from '../activities/types';
import { ENTITIES, entitiesInPhase, PHASES, type EntityType } from '../core/entities';
import {
  buildSummary,
  describeCounts,
  failedCount,
  FAILURE_TYPES,
  NON_RETRYABLE_FAILURE_TYPES,
  emptyCounts,
  type EntityResult,
  type RunPlan,
  type RunSummary,
  type SyncRunInput,
} from '../core/runs';
import { SEARCH_ATTRIBUTES } from '../core/search-attributes';
import { entityProgressSignal, progressQuery, type RunProgress } from './definitions';
import { describeFailure, failureType, syncEntity } from './sync-entity';

const store = proxyActivities<StoreActivities>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES,
  },
});

/** Failure types after which the rest of the run would fail the same way: stop early with one clear failure. */
const RUN_STOPPING_TYPES: readonly string[] = [
  FAILURE_TYPES.auth,
  FAILURE_TYPES.config,
  FAILURE_TYPES.accountNotFound,
  FAILURE_TYPES.unreachable,
];

/**
 * One sync run of one account, started by the account's Schedule or on demand. Plans the run, then runs one
 * child workflow per entity type in the four dependency phases (parallel inside a phase), then finishes: the
 * summary becomes a notification, the full-sync flag is cleared after a full run, watermarks advance for the
 * pulls that completed, and the account's run lock is released. The summary is the workflow's result.
 */
export async function syncAccount(input: SyncRunInput): Promise<RunSummary> {
  const info = workflowInfo();
  const progress: RunProgress = {
    accountId: input.accountId,
    status: 'planning',
    full: null,
    startedAt: null,
    currentPhase: null,
    entities: {},
    outcome: null,
    plan: null,
  };
  setHandler(progressQuery, () => progress);
  setHandler(entityProgressSignal, (entity, p) => {
    progress.entities[entity] = p;
  });

  const plan = await store.planRun({
    ...input,
    workflowId: info.workflowId,
    startedAt: new Date().toISOString(),
  });
  progress.full = plan.full;
  progress.startedAt = plan.startedAt;
  progress.plan = { entityTypes: plan.entityTypes, pullSince: plan.pullSince, trigger: plan.trigger };
  upsertSearchAttributes([
    { key: SEARCH_ATTRIBUTES.account, value: plan.accountId },
    { key: SEARCH_ATTRIBUTES.trigger, value: plan.trigger },
    { key: SEARCH_ATTRIBUTES.full, value: plan.full },
  ]);

  if (plan.skipReason) {
    const summary = buildSummary(plan, [], new Date().toISOString(), false, plan.skipReason);
    summary.outcome = 'skipped';
    return finish(progress, summary, plan, []);
  }

  for (const entity of plan.entityTypes)
    progress.entities[entity] = { status: 'waiting', phase: 'idle', counts: emptyCounts(), pages: 0 };
  progress.status = 'running';
  const results: EntityResult[] = [];
  let cancelled = false;
  let stopMessage: string | undefined;
  try {
    for (const phase of PHASES) {
      const types = entitiesInPhase(phase, plan.entityTypes);
      if (types.length === 0) continue;
      progress.currentPhase = phase;
      const phaseResults = await Promise.all(types.map((entity) => runChild(plan, entity)));
      results.push(...phaseResults);
      for (const r of phaseResults)
        progress.entities[r.entity] = {
          status: r.status,
          phase: 'idle',
          counts: r.counts,
          pages: r.pages,
          ...(r.error ? { error: r.error } : {}),
        };
      const stopping = phaseResults.find((r) => r.errorType && RUN_STOPPING_TYPES.includes(r.errorType));
      if (stopping) {
        stopMessage = `Run stopped: ${stopping.error ?? stopping.errorType}`;
        break;
      }
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    cancelled = true;
  }
  const summary = buildSummary(plan, results, new Date().toISOString(), cancelled, stopMessage);
  if (stopMessage) summary.outcome = 'failed';
  const watermarks: Partial<Record<EntityType, string>> = {};
  for (const r of results) if (r.pullCompletedFrom) watermarks[r.entity] = r.pullCompletedFrom;
  // Finishing must happen even when the run was cancelled.
  return CancellationScope.nonCancellable(() => finish(progress, summary, plan, results, watermarks));
}

async function runChild(plan: RunPlan, entity: EntityType): Promise<EntityResult> {
  const info = workflowInfo();
  try {
    return await executeChild(syncEntity, {
      workflowId: `${info.workflowId}/${entity}`,
      args: [
        {
          plan: {
            accountId: plan.accountId,
            runId: plan.runId,
            full: plan.full,
            settings: plan.settings,
            runtime: plan.runtime,
            ...(plan.connectionVersion ? { connectionVersion: plan.connectionVersion } : {}),
          },
          entity,
          pullSince: plan.pullSince[entity] ?? null,
        },
      ],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.account, value: plan.accountId },
        { key: SEARCH_ATTRIBUTES.entity, value: entity },
      ],
      staticSummary: `${ENTITIES[entity].label}s: ${plan.full ? 'full' : 'incremental'} sync`,
    });
  } catch (err) {
    if (isCancellation(err)) throw err;
    // A child that failed outright (not through its own error handling) still must not stop the others.
    const errorType = failureType(err);
    return {
      entity,
      status: 'failed',
      counts: emptyCounts(),
      failures: [],
      missingGeo: [],
      missingGeoCount: 0,
      pages: 0,
      error: describeFailure(err),
      ...(errorType ? { errorType } : {}),
    };
  }
}

async function finish(
  progress: RunProgress,
  summary: RunSummary,
  plan: RunPlan,
  results: EntityResult[],
  watermarks: Partial<Record<EntityType, string>> = {},
): Promise<RunSummary> {
  progress.status = 'finishing';
  const info = workflowInfo();
  if (summary.outcome === 'skipped') {
    // A skipped run holds no lock and changes nothing: it only says why it did not run.
  } else {
    await store.finishRun({ workflowId: info.workflowId, summary, watermarks });
  }
  upsertSearchAttributes([
    { key: SEARCH_ATTRIBUTES.outcome, value: summary.outcome },
    { key: SEARCH_ATTRIBUTES.failedCount, value: failedCount(summary) },
  ]);
  upsertMemo({
    summary: summaryLine(summary),
    totals: summary.totals,
    plan: { entityTypes: plan.entityTypes, full: plan.full },
  });
  progress.status = 'done';
  progress.outcome = summary.outcome;
  return summary;
}

/** One line for the Temporal UI's memo column. */
function summaryLine(s: RunSummary): string {
  return `${s.outcome}: ${describeCounts(s, { unchanged: true })} in ${Math.round(s.durationMs / 1000)}s`;
}
