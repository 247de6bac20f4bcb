/**
 * The worker process's composition, shared by the shipped entry point (`worker/main.ts`) and the
 * benchmark's worker child (`bench/worker-process.ts`): Temporal connections, the store, the Acumatica
 * client registry and the sync workers, over a MongoDB connection the caller opened (so the bench can
 * open one that counts commands). Runtime installation stays with each entry point.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import { AcumaticaClientRegistry } from '../activities/client-registry';
import { outboundPolicy } from '../runtime/outbound';
import type { Config } from '../runtime/config';
import type { Logger } from '../runtime/logger';
import { createStore, parseMasterKey, SecretBox, type MongoConnection } from '../store';
import { createSyncWorkers, type SyncWorkers } from './worker';

export interface WorkerProcess {
  workers: SyncWorkers;
  /** Signs every Acumatica session out and closes MongoDB and both Temporal connections. */
  close(): Promise<void>;
}

/**
 * Connects to Temporal and builds the sync workers over `mongo`; the caller runs `workers` and then calls
 * `close` (which also closes `mongo`). On a failure while building, everything opened so far is closed.
 */
export async function openWorkerProcess(
  config: Config,
  logger: Logger,
  mongo: MongoConnection,
  options: { workflowBundle?: WorkflowBundle } = {},
): Promise<WorkerProcess> {
  // Closed newest first: on a failure while building, only what was opened so far.
  const opened: (() => Promise<void>)[] = [() => mongo.close()];
  const close = async () => {
    for (const fn of opened.splice(0).reverse()) await fn();
  };
  try {
    const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
    opened.push(() => connection.close());
    const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    opened.push(() => clientConnection.close());
    const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
    const store = createStore(mongo.db);
    const clients = new AcumaticaClientRegistry({
      accounts: store.accounts,
      box: new SecretBox([parseMasterKey(config.MASTER_KEY)]),
      logger,
      limits: {
        requestsPerMinute: config.ACUMATICA_REQUESTS_PER_MINUTE,
        maxConcurrent: config.ACUMATICA_MAX_CONCURRENT_REQUESTS,
      },
      outbound: outboundPolicy(config),
      timeoutMs: config.ACUMATICA_RESPONSE_TIMEOUT_MS,
      connectTimeoutMs: config.ACUMATICA_CONNECT_TIMEOUT_MS,
      maxPacingWaitMs: config.ACUMATICA_MAX_PACING_WAIT_MS,
    });
    opened.push(() => clients.close());
    const workers = await createSyncWorkers({
      connection,
      client,
      store,
      clients,
      config,
      logger,
      ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : {}),
    });
    return { workers, close };
  } catch (err) {
    await close();
    throw err;
  }
}
