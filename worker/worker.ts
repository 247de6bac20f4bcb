/**
 * The worker's two Temporal workers, buildable from tests: the sync task queue (workflows + MongoDB-only
 * activities) and the Acumatica task queue (HTTP activities, rate limited by the Temporal server for
 * every worker together, with bounded concurrency per process).
 */
import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import type { Logger } from 'pino';
import { AccountActivityGate } from '../activities/account-gate';
import { createAcumaticaActivities } from '../activities/acumatica-activities';
import type { AcumaticaClientRegistry } from '../activities/client-registry';
import { createStoreActivities } from '../activities/store-activities';
import type { Config } from '../runtime/config';
import type { Store } from '../store';
import { loadWorkflowBundle } from './workflow-bundle';

export type WorkerConfig = Pick<
  Config,
  | 'TEMPORAL_NAMESPACE'
  | 'TEMPORAL_TASK_QUEUE'
  | 'TEMPORAL_ACUMATICA_TASK_QUEUE'
  | 'ACUMATICA_ACTIVITIES_PER_SECOND'
  | 'ACUMATICA_MAX_CONCURRENT_ACTIVITIES'
  | 'ACUMATICA_MAX_ACTIVITIES_PER_ACCOUNT'
  | 'SYNC_PAGE_SIZE'
  | 'SYNC_CONTINUE_AS_NEW_EVENTS'
  | 'SYNC_UNREACHABLE_TIMEOUT_SECONDS'
>;

export interface SyncWorkerDeps {
  connection: NativeConnection;
  /** A Temporal client: the plan activity asks it whether a run lock's holder still runs. */
  client: Pick<Client, 'workflow'>;
  store: Store;
  clients: AcumaticaClientRegistry;
  config: WorkerConfig;
  logger: Logger;
  /** The workflow bundle (tests load one per process); without it, {@link loadWorkflowBundle} decides. */
  workflowBundle?: WorkflowBundle;
}

export interface SyncWorkers {
  sync: Worker;
  acumatica: Worker;
  /** Runs both until shutdown; if one stops with an error, the other is shut down and the error thrown. */
  run(): Promise<void>;
  shutdown(): void;
}

/** Builds the sync and Acumatica workers over injected connections and repositories. */
export async function createSyncWorkers(deps: SyncWorkerDeps): Promise<SyncWorkers> {
  const { config, logger } = deps;
  const storeActivities = createStoreActivities({
    store: deps.store,
    runLocks: deps.store.runLocks,
    temporal: deps.client,
    config,
    logger: logger.child({ queue: 'sync' }),
  });
  const acumaticaActivities = createAcumaticaActivities({
    store: deps.store,
    clients: deps.clients,
    gate: new AccountActivityGate(config.ACUMATICA_MAX_ACTIVITIES_PER_ACCOUNT),
    logger: logger.child({ queue: 'acumatica' }),
  });

  let workflowBundle = deps.workflowBundle;
  if (!workflowBundle) {
    const loaded = await loadWorkflowBundle();
    logger.info({ prebuilt: loaded.prebuilt }, 'workflow bundle loaded');
    workflowBundle = loaded.bundle;
  }
  const sync = await Worker.create({
    connection: deps.connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle,
    activities: storeActivities,
  });
  const acumatica = await Worker.create({
    connection: deps.connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_ACUMATICA_TASK_QUEUE,
    activities: acumaticaActivities,
    // Enforced by the server across all workers: together they stay inside the Acumatica licence.
    maxTaskQueueActivitiesPerSecond: config.ACUMATICA_ACTIVITIES_PER_SECOND,
    maxConcurrentActivityTaskExecutions: config.ACUMATICA_MAX_CONCURRENT_ACTIVITIES,
  });

  const shutdown = () => {
    for (const w of [sync, acumatica]) {
      if (w.getState() === 'RUNNING') w.shutdown();
    }
  };
  return {
    sync,
    acumatica,
    shutdown,
    async run() {
      const runs = [sync.run(), acumatica.run()];
      try {
        await Promise.race(runs);
      } finally {
        shutdown();
        await Promise.allSettled(runs);
      }
      // Surface the first failure (if any) once both have stopped.
      await Promise.all(runs);
    },
  };
}
