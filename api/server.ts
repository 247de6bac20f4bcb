/**
 * The API's composition root: reads the configuration, connects MongoDB (indexes ensured) and Temporal,
 * builds the app and listens on API_HOST:API_PORT. SIGINT/SIGTERM close the app first (in-flight requests
 * finish), then the MongoDB and Temporal connections.
 */
import { resolve } from 'node:path';
import { loadConfig } from '../runtime/config';
import { createLogger } from '../runtime/logger';
import { connectMongo, createStore, ensureIndexes } from '../store';
import { buildApp } from './app';
import { ScheduleService } from './services/schedules';
import { connectTemporal } from './services/temporal';

async function main(): Promise<void> {
  // The composition root is where the environment is read (design: api/server.ts and worker/main.ts).
  const config = loadConfig(process.env);
  const logger = createLogger(config, 'api');
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB, { appName: 'fsac-api' });
  await ensureIndexes(mongo.db);
  const temporal = await connectTemporal(config);
  const app = await buildApp({
    config,
    logger,
    store: createStore(mongo.db),
    temporal,
    schedules: new ScheduleService(temporal),
    consoleDir: resolve('dist', 'console'),
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    try {
      await app.close();
      await mongo.close();
      await temporal.connection.close();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ host: config.API_HOST, port: config.API_PORT });
}

main().catch((err: unknown) => {
  // The config error names every bad key; anything else is a start-up failure worth its stack.
  console.error(err instanceof Error ? (err.name === 'ConfigError' ? err.message : err.stack) : err);
  process.exit(1);
});
