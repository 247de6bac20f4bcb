/**
 * Activities that touch only MongoDB (the sync task queue): planning a run, finishing it, and the run lock.
 */
import { activityInfo } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../runtime/config';
import { ENTITIES, ENTITY_TYPES, type EntityType } from '../core/entities';
import { FAILURE_TYPES, type RunPlan, type RunSettings } from '../core/runs';
import type { AccountSettings } from '../core/settings';
import type { TargetedPlan } from '../core/targeted-sync';
import type { Store } from '../store';
import type { HolderCheck, RunLocks } from '../store/run-locks';
import { temporalHolderCheck } from '../runtime/run-lock-holders';
import type { FinishRunInput, PlanRunInput, StoreActivities } from './types';

/** Pulls re-read this much before the watermark: clocks differ and Acumatica commits are not instant. */
export const PULL_OVERLAP_MS = 10 * 60_000;

/** Master data: a run without a watermark (the first one) or a full run imports all of it. */
const MASTER_DATA: ReadonlySet<EntityType> = new Set([
  'customers',
  'vendors',
  'products',
  'services',
  'projects',
  'price-lists',
]);

export interface StoreActivityDeps {
  store: Pick<Store, 'accounts' | 'watermarks' | 'notifications'>;
  runLocks: RunLocks;
  /** Asks Temporal whether a run lock holder still runs; built from `temporal` when not given. */
  holderCheck?: HolderCheck;
  temporal: Pick<Client, 'workflow'>;
  config: Pick<
    Config,
    | 'TEMPORAL_ACUMATICA_TASK_QUEUE'
    | 'SYNC_PAGE_SIZE'
    | 'SYNC_CONTINUE_AS_NEW_EVENTS'
    | 'SYNC_UNREACHABLE_TIMEOUT_SECONDS'
  >;
  logger: Logger;
}

/**
 * Builds the store activities over injected repositories (style: temporalio samples
 * `activities-dependency-injection`).
 */
export function createStoreActivities(deps: StoreActivityDeps): StoreActivities {
  const holderCheck = deps.holderCheck ?? temporalHolderCheck(deps.temporal);

  return {
    /**
     * Reads the account's settings (never secrets), takes the account's run lock for `workflowId`, and
     * decides full/incremental, the entity types, the settings snapshot, runtime knobs and pull windows.
     * Idempotency: keyed by the workflow id (the lock is re-entrant for the same workflow; the plan is a
     * pure function of the account, the watermarks and `startedAt`).
     * Failure types: `AccountNotFound` (non-retryable); MongoDB/Temporal errors are retried.
     * A run that cannot proceed (another run holds the lock, no connection) gets a plan with `skipReason`.
     */
    async planRun(input: PlanRunInput): Promise<RunPlan> {
      const log = deps.logger.child({ accountId: input.accountId, workflowId: input.workflowId });
      const account = await deps.store.accounts.get(input.accountId);
      if (!account) {
        throw accountNotFound(input.accountId);
      }
      const settings = account.settings;
      const full = input.full === true || settings.fullSyncOnNextRun;
      const requested = input.entityTypes ? new Set(input.entityTypes) : null;
      const entityTypes = ENTITY_TYPES.filter(
        (t) => settings.entityTypes.includes(t) && (requested === null || requested.has(t)),
      );
      const plan: RunPlan = {
        accountId: account.id,
        // The Temporal run id keys the run's notification: a retried finish stores it once.
        runId: activityInfo().workflowExecution?.runId ?? input.workflowId,
        trigger: input.trigger,
        full,
        startedAt: input.startedAt,
        entityTypes,
        settings: runSettings(settings, account.connection?.restVersion),
        pullSince: {},
        runtime: {
          acumaticaTaskQueue: deps.config.TEMPORAL_ACUMATICA_TASK_QUEUE,
          pageSize: deps.config.SYNC_PAGE_SIZE,
          continueAsNewAt: deps.config.SYNC_CONTINUE_AS_NEW_EVENTS,
          unreachableTimeoutSeconds: deps.config.SYNC_UNREACHABLE_TIMEOUT_SECONDS,
        },
      };
      // Checked before the lock: a skipped run must not hold it.
      if (!account.connection) return { ...plan, skipReason: 'the account has no Acumatica connection' };
      if (entityTypes.length === 0) return { ...plan, skipReason: 'no selected entity type to sync' };

      const lock = await deps.runLocks.acquire(account.id, input.workflowId, holderCheck);
      if (lock.status === 'account-not-found') {
        throw accountNotFound(input.accountId);
      }
      if (lock.status === 'held') {
        log.info({ holder: lock.holder.workflowId }, 'run skipped: another run holds the account');
        return { ...plan, skipReason: `another run (${lock.holder.workflowId}) is in progress` };
      }
      if (lock.stolenFrom)
        log.warn({ previousHolder: lock.stolenFrom }, 'took over the run lock of a closed run');

      // The run uses the connection as it is now; its page activities refuse one edited meanwhile.
      const connectionVersion = await deps.store.accounts.connectionVersion(account.id);
      if (connectionVersion) plan.connectionVersion = connectionVersion;
      const now = new Date(input.startedAt);
      for (const entity of entityTypes) {
        if (!ENTITIES[entity].directions.includes('pull')) continue;
        const watermark = await deps.store.watermarks.get(account.id, entity);
        plan.pullSince[entity] = pullSince(entity, {
          full,
          now,
          watermark,
          days: settings.lastModifiedSinceDays,
        });
      }
      log.info({ full, entityTypes, trigger: input.trigger }, 'run planned');
      return plan;
    },

    /**
     * Stores the summary as a notification, clears "full sync on next run" after a full run that did not
     * fail or get cancelled, advances the given watermarks (monotonic) and releases the run lock.
     * Idempotency: keyed by the run id: the notification id derives from it, the flag clear and the
     * watermark `$max` are no-ops the second time, the release is a compare-and-set on the workflow id.
     * Failure types: none of its own; MongoDB errors are retried.
     */
    async finishRun(input: FinishRunInput): Promise<void> {
      const { summary } = input;
      const accountId = summary.accountId;
      const log = deps.logger.child({ accountId, workflowId: input.workflowId });
      if (await deps.store.accounts.get(accountId)) {
        await deps.store.notifications.recordRunSummary(accountId, input.workflowId, summary);
        if (summary.full && summary.outcome !== 'failed' && summary.outcome !== 'cancelled') {
          await deps.store.accounts.clearFullSyncFlag(accountId, new Date(summary.startedAt));
        }
        for (const [entity, at] of Object.entries(input.watermarks) as [EntityType, string][]) {
          await deps.store.watermarks.advance(accountId, entity, new Date(at));
        }
      }
      await deps.runLocks.release(accountId, input.workflowId);
      log.info({ outcome: summary.outcome, totals: summary.totals }, 'run finished');
    },

    /**
     * Frees the run lock if this workflow holds it. Idempotency: compare-and-set on the workflow id.
     * Failure types: none of its own.
     */
    async releaseRunLock(input: { accountId: string; workflowId: string }): Promise<void> {
      await deps.runLocks.release(input.accountId, input.workflowId);
    },

    /**
     * Snapshots the account's run settings for a targeted workflow and, with `lock`, tries to take the
     * account's run lock for it (re-entrant for the same workflow; a held lock is reported, not waited on:
     * the workflow waits on a durable timer and asks again).
     * Idempotency: read-only apart from the lock, which is keyed by the workflow id.
     * Failure types: `AccountNotFound`, `AccountConfigError` (no Acumatica connection), non-retryable.
     */
    async planTargeted(input: {
      accountId: string;
      workflowId: string;
      lock: boolean;
    }): Promise<TargetedPlan> {
      const account = await deps.store.accounts.get(input.accountId);
      if (!account) {
        throw accountNotFound(input.accountId);
      }
      if (!account.connection) {
        throw ApplicationFailure.create({
          type: FAILURE_TYPES.config,
          message: 'the account has no Acumatica connection',
          nonRetryable: true,
        });
      }
      const plan: TargetedPlan = {
        settings: runSettings(account.settings, account.connection.restVersion),
        acumaticaTaskQueue: deps.config.TEMPORAL_ACUMATICA_TASK_QUEUE,
        runId: activityInfo().workflowExecution?.runId ?? input.workflowId,
        lock: { status: 'acquired' },
      };
      if (!input.lock) return plan;
      const lock = await deps.runLocks.acquire(account.id, input.workflowId, holderCheck);
      if (lock.status === 'held')
        return { ...plan, lock: { status: 'held', holder: lock.holder.workflowId } };
      if (lock.status === 'account-not-found') {
        throw accountNotFound(input.accountId);
      }
      return plan;
    },
  };
}

/** The failure of an activity whose account no longer exists (non-retryable). */
function accountNotFound(accountId: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FAILURE_TYPES.accountNotFound,
    message: `Account ${accountId} does not exist`,
    nonRetryable: true,
  });
}

function runSettings(settings: AccountSettings, restVersion: string | undefined): RunSettings {
  return {
    includeSubCustomers: settings.includeSubCustomers,
    skipFirstAddressLine: settings.skipFirstAddressLine,
    useShipToAddress: settings.useShipToAddress,
    newCustomerType: settings.newCustomerType,
    useIntegrationDateForInvoices: settings.useIntegrationDateForInvoices,
    restVersion: restVersion ?? '',
  };
}

/**
 * Where a pull starts: `max(now − lastModifiedSinceDays, watermark − overlap)`. Master data is imported
 * whole (null) on a full run and before its first completed pull; other types fall back to the window.
 */
export function pullSince(
  entity: EntityType,
  input: { full: boolean; now: Date; watermark: Date | null; days: number },
): string | null {
  if (MASTER_DATA.has(entity) && (input.full || input.watermark === null)) return null;
  const windowStart = input.now.getTime() - input.days * 24 * 60 * 60_000;
  const fromWatermark =
    input.full || input.watermark === null ? windowStart : input.watermark.getTime() - PULL_OVERLAP_MS;
  return new Date(Math.max(windowStart, fromWatermark)).toISOString();
}
