import {
  CancellationScope,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AcumaticaActivities, StoreActivities } from '../activities/types';
import { ENTITIES } from '../core/entities';
import { NON_RETRYABLE_FAILURE_TYPES } from '../core/runs';
import { SEARCH_ATTRIBUTES } from '../core/search-attributes';
import {
  syncRecordsSummary,
  type RecordSyncOutcome,
  type SyncRecordsInput,
  type SyncRecordsState,
  type TargetedPlan,
} from '../core/targeted-sync';
import { syncRecordsStateQuery } from './definitions';
import { describeFailure } from './sync-entity';

const store = proxyActivities<StoreActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES,
  },
});

/** How long "sync now" waits behind a running run before giving up (a run usually takes minutes). */
export const MAX_WAIT_MS = 60 * 60_000;
/** Waiting asks for the lock again after 1 s, doubling up to this (bounds history: ~400 polls an hour). */
const MAX_POLL_MS = 10_000;

/**
 * "Sync now": pushes just the given records of one type (dependencies first, by the run's rules), then pulls
 * their Acumatica copies back by key. Holds the account's run lock while it works, so it never overlaps a
 * run: when a run is going it waits behind it (durable timers, asking again) and the live state says which
 * run it waits for. Each record's outcome is the result and the `syncRecordsState` query.
 */
export async function syncRecords(input: SyncRecordsInput): Promise<SyncRecordsState> {
  const info = workflowInfo();
  const def = ENTITIES[input.entity];
  const state: SyncRecordsState = {
    accountId: input.accountId,
    entity: input.entity,
    status: 'waiting',
    waitingBehind: null,
    records: [],
    pull: null,
    startedAt: null,
    finishedAt: null,
    error: null,
  };
  setHandler(syncRecordsStateQuery, () => state);

  let locked = false;
  try {
    const plan = await waitForLock(input, state);
    locked = true;
    state.waitingBehind = null;
    state.startedAt = new Date().toISOString();
    const acumatica = proxyActivities<AcumaticaActivities>({
      taskQueue: plan.acumaticaTaskQueue,
      startToCloseTimeout: '10 minutes',
      scheduleToCloseTimeout: '1 hour',
      retry: {
        initialInterval: '2 seconds',
        backoffCoefficient: 2,
        maximumInterval: '1 minute',
        nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES,
      },
    });
    const base = {
      accountId: input.accountId,
      runId: plan.runId,
      entity: input.entity,
      settings: plan.settings,
    };

    let pullIds = input.ids;
    if (def.directions.includes('push')) {
      state.status = 'pushing';
      state.records = await acumatica.pushRecords({ ...base, ids: input.ids });
      // Only records that are in Acumatica now have a copy to read back.
      pullIds = state.records
        .filter((r) => r.status === 'pushed' || r.status === 'unchanged')
        .map((r) => r.id);
    }
    if (def.directions.includes('pull') && pullIds.length > 0) {
      state.status = 'pulling';
      const pulled = await acumatica.pullRecords({ ...base, ids: pullIds });
      state.pull = { counts: pulled.counts, failures: pulled.failures };
      if (!def.directions.includes('push')) state.records = pullOnlyOutcomes(input, pulled.skippedIds);
    }
    state.status = 'done';
  } catch (err) {
    if (isCancellation(err)) throw err;
    state.status = 'failed';
    state.error = describeFailure(err);
  } finally {
    state.finishedAt = new Date().toISOString();
    await CancellationScope.nonCancellable(async () => {
      if (locked) await store.releaseRunLock({ accountId: input.accountId, workflowId: info.workflowId });
    });
  }
  upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.outcome, value: state.status }]);
  upsertMemo({ summary: syncRecordsSummary(state) });
  return state;
}

/** Takes the account's run lock, waiting behind the run that holds it (up to {@link MAX_WAIT_MS}). */
async function waitForLock(input: SyncRecordsInput, state: SyncRecordsState): Promise<TargetedPlan> {
  const workflowId = workflowInfo().workflowId;
  const deadline = Date.now() + MAX_WAIT_MS;
  let delay = 1_000;
  for (;;) {
    const plan = await store.planTargeted({ accountId: input.accountId, workflowId, lock: true });
    if (plan.lock.status === 'acquired') return plan;
    state.waitingBehind = plan.lock.holder;
    if (Date.now() + delay > deadline) {
      throw new Error(`gave up waiting behind ${plan.lock.holder} after ${MAX_WAIT_MS / 60_000} minutes`);
    }
    await sleep(delay);
    delay = Math.min(delay * 2, MAX_POLL_MS);
  }
}

/** Pull-only types: every record read back, but those that are not in Acumatica (or do not exist). */
function pullOnlyOutcomes(input: SyncRecordsInput, skippedIds: readonly string[]): RecordSyncOutcome[] {
  const skipped = new Set(skippedIds);
  return input.ids.map((id) =>
    skipped.has(id)
      ? {
          id,
          name: '',
          status: 'not-found',
          message: `${ENTITIES[input.entity].label} ${id} is not in Acumatica`,
        }
      : { id, name: '', status: 'pulled' },
  );
}
