/**
 * The worker process (composition root): validates the environment, installs the Temporal runtime with
 * pino logging and Prometheus metrics, connects to Temporal and MongoDB, builds the Acumatica client
 * registry and runs the sync and Acumatica workers until SIGINT/SIGTERM (the SDK's shutdown signals),
 * then signs every Acumatica session out and closes MongoDB.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { loadConfig } from '../runtime/config';
import { createLogger, type Logger } from '../runtime/logger';
import { connectMongo, ensureIndexes } from '../store';
import { openWorkerProcess } from './compose';

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
    telemetryOptions: {
      metrics: { prometheus: { bindAddress: `${config.WORKER_METRICS_HOST}:${config.WORKER_METRICS_PORT}` } },
    },
  });

  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB, { appName: 'fsac-worker' });
  await ensureIndexes(mongo.db);
  const { workers, close } = await openWorkerProcess(config, logger, mongo);
  try {
    logger.info(
      { taskQueue: config.TEMPORAL_TASK_QUEUE, acumaticaTaskQueue: config.TEMPORAL_ACUMATICA_TASK_QUEUE },
      'worker started',
    );
    await workers.run();
  } finally {
    await close();
    logger.info('worker stopped');
  }
}

main().catch((err: unknown) => {
  // The logger may not exist yet (bad configuration): report on stderr and fail.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
