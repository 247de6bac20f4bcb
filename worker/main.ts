/**
 * The worker process (composition root): validates the environment, installs the Temporal runtime with
 * pino logging and Prometheus metrics, connects to Temporal and MongoDB, builds the Acumatica client
 * registry and runs the sync and Acumatica workers until SIGINT/SIGTERM (the SDK's shutdown signals),
 * then signs every Acumatica session out and closes MongoDB.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { AcumaticaClientRegistry } from '../activities/client-registry';
import { loadConfig } from '../core/config';
import { createLogger, type Logger } from '../core/logger';
import { connectMongo, createStore, ensureIndexes, parseMasterKey, SecretBox } from '../store';
import { createSyncWorkers } from './worker';

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Routes the SDK's log entries into pino. */
function temporalLogger(logger: Logger): DefaultLogger {
  const sdk = logger.child({ component: 'temporal' });
  return new DefaultLogger('INFO', (entry) => sdk[PINO_LEVEL[entry.level]](entry.meta ?? {}, entry.message));
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config, 'worker');
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${config.WORKER_METRICS_PORT}` } } },
  });

  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB, { appName: 'fsac-worker' });
  await ensureIndexes(mongo.db);
  const store = createStore(mongo.db);
  const clients = new AcumaticaClientRegistry({
    accounts: store.accounts,
    box: new SecretBox([parseMasterKey(config.MASTER_KEY)]),
    logger,
    limits: {
      requestsPerMinute: config.ACUMATICA_REQUESTS_PER_MINUTE,
      maxConcurrent: config.ACUMATICA_MAX_CONCURRENT_REQUESTS,
    },
  });

  try {
    const workers = await createSyncWorkers({
      connection,
      client,
      db: mongo.db,
      store,
      clients,
      config,
      logger,
    });
    logger.info(
      { taskQueue: config.TEMPORAL_TASK_QUEUE, acumaticaTaskQueue: config.TEMPORAL_ACUMATICA_TASK_QUEUE },
      'worker started',
    );
    await workers.run();
  } finally {
    await clients.close();
    await mongo.close();
    await clientConnection.close();
    await connection.close();
    logger.info('worker stopped');
  }
}

main().catch((err: unknown) => {
  // The logger may not exist yet (bad configuration): report on stderr and fail.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
