import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { AcumaticaActivities, StoreActivities } from '../activities/types';
import { ENTITIES, type EntityType } from '../core/entities';
import { addCounts, emptyCounts, NON_RETRYABLE_FAILURE_TYPES } from '../core/runs';
import { compareTimeStamps, type ChangeNotification, type ChangesState } from '../core/targeted-sync';
import { changeNotificationSignal, changesStateQuery } from './definitions';
import { describeFailure } from './sync-entity';

/** Notifications arriving within this of the first one are pulled together (a burst costs one batch). */
export const DEBOUNCE_MS = 750;
/** Most keys of one type pulled by one activity. */
export const MAX_BATCH_KEYS = 100;
/** A workflow with nothing to do ends after this; the next notification starts it again. */
export const IDLE_MS = 30 * 60_000;
/** Notification ids remembered for de-duplication (Acumatica resends within minutes). */
export const MAX_SEEN_IDS = 2_000;
/** History length after which the workflow continues as new. */
export const CONTINUE_AS_NEW_EVENTS = 2_000;

export interface PullChangesInput {
  accountId: string;
  /** History length after which it continues as new (default {@link CONTINUE_AS_NEW_EVENTS}; tests lower it). */
  continueAsNewAt?: number;
  /** Carried across continue-as-new. */
  carry?: { state: ChangesState; seen: string[]; pending: Partial<Record<EntityType, string[]>> };
}

const store = proxyActivities<StoreActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES },
});

/**
 * The account's change workflow (`changes/<account>`), fed by the push-notification receiver through
 * signal-with-start. It ignores notifications whose `Id` it has seen, gathers the changed keys of a burst
 * (debounce), and pulls just those records by key through the ordinary pull rules (last-modified wins, no
 * needless writes). A key named only in `Deleted` is pulled like any other: if Acumatica still has it, its
 * copy applies; if not, nothing is deleted. A batch that still fails after its retries is dropped and
 * counted: the next scheduled run's window covers it.
 */
export async function pullChanges(input: PullChangesInput): Promise<ChangesState> {
  const state: ChangesState = input.carry?.state ?? {
    accountId: input.accountId,
    received: 0,
    duplicates: 0,
    pending: 0,
    batches: 0,
    counts: emptyCounts(),
    droppedBatches: 0,
    lastError: null,
    lastTimeStamp: null,
  };
  const seen = new Set<string>(input.carry?.seen ?? []);
  const seenOrder: string[] = [...seen];
  const pending = new Map<EntityType, Set<string>>();
  for (const [entity, keys] of Object.entries(input.carry?.pending ?? {}) as [EntityType, string[]][])
    pending.set(entity, new Set(keys));
  const countPending = () => [...pending.values()].reduce((n, keys) => n + keys.size, 0);

  setHandler(changesStateQuery, () => ({ ...state, pending: countPending() }));
  setHandler(changeNotificationSignal, (n: ChangeNotification) => {
    if (seen.has(n.id)) {
      state.duplicates++;
      return;
    }
    seen.add(n.id);
    seenOrder.push(n.id);
    if (seenOrder.length > MAX_SEEN_IDS) seen.delete(seenOrder.shift()!);
    state.received++;
    if (state.lastTimeStamp === null || compareTimeStamps(n.timeStamp, state.lastTimeStamp) > 0)
      state.lastTimeStamp = n.timeStamp;
    let keys = pending.get(n.entity);
    if (!keys) pending.set(n.entity, (keys = new Set()));
    for (const key of n.keys) keys.add(key);
  });

  for (;;) {
    if (!(await condition(() => countPending() > 0, IDLE_MS))) break;
    // Debounce: a burst of notifications becomes one batch.
    await sleep(DEBOUNCE_MS);
    await pullPending(input.accountId, pending, state);
    if (workflowInfo().historyLength > (input.continueAsNewAt ?? CONTINUE_AS_NEW_EVENTS)) {
      await condition(allHandlersFinished);
      const carry = {
        state,
        seen: seenOrder,
        pending: Object.fromEntries([...pending].map(([e, keys]) => [e, [...keys]])),
      };
      return continueAsNew<typeof pullChanges>({
        accountId: input.accountId,
        ...(input.continueAsNewAt ? { continueAsNewAt: input.continueAsNewAt } : {}),
        carry,
      });
    }
  }
  await condition(allHandlersFinished);
  return { ...state, pending: countPending() };
}

/** Pulls what is pending now, type by type, up to {@link MAX_BATCH_KEYS} keys per type and activity. */
async function pullPending(
  accountId: string,
  pending: Map<EntityType, Set<string>>,
  state: ChangesState,
): Promise<void> {
  let plan;
  try {
    plan = await store.planTargeted({ accountId, workflowId: workflowInfo().workflowId, lock: false });
  } catch (err) {
    // No connection, no account: nothing can be pulled; the next run (if any) catches up.
    state.lastError = describeFailure(err);
    state.droppedBatches++;
    pending.clear();
    return;
  }
  const acumatica = proxyActivities<AcumaticaActivities>({
    taskQueue: plan.acumaticaTaskQueue,
    startToCloseTimeout: '5 minutes',
    retry: {
      initialInterval: '1 second',
      maximumInterval: '30 seconds',
      maximumAttempts: 5,
      nonRetryableErrorTypes: NON_RETRYABLE_FAILURE_TYPES,
    },
  });
  for (const [entity, keySet] of [...pending]) {
    const keys = [...keySet].slice(0, MAX_BATCH_KEYS);
    for (const key of keys) keySet.delete(key);
    if (keySet.size === 0) pending.delete(entity);
    if (!ENTITIES[entity].directions.includes('pull')) continue;
    state.batches++;
    try {
      const result = await acumatica.pullRecords({
        accountId,
        runId: plan.runId,
        entity,
        settings: plan.settings,
        keys,
      });
      state.counts = addCounts(state.counts, result.counts);
      if (result.failures.length > 0) state.lastError = result.failures[0]?.message ?? null;
    } catch (err) {
      state.lastError = describeFailure(err);
      state.droppedBatches++;
    }
  }
}
