/**
 * The HTTP API (`buildApp`, answered through `app.inject`) over a fault stack, wired to the worker's task
 * queues so the runs it starts are executed by the worker child process.
 */
import pino from 'pino';
import { buildApp } from '../../api/app';
import type { App } from '../../api/context';
import { ScheduleService } from '../../api/services/schedules';
import { loadConfig } from '../../runtime/config';
import type { FaultStack } from './stack';
import type { WorkerHandle } from './worker';

export const FAULTS_ADMIN_KEY = 'faults-admin-key-0123456789';

export interface FaultApi {
  app: App;
  schedules: ScheduleService;
  close(): Promise<void>;
}

export interface FaultApiOptions {
  /** Serves the console built in this folder at `/` (console/build.ts). */
  consoleDir?: string;
}

/** Builds the API over the stack's MongoDB and Temporal, starting runs on `worker`'s task queues. */
export async function openApi(
  stack: FaultStack,
  worker: WorkerHandle,
  options: FaultApiOptions = {},
): Promise<FaultApi> {
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGODB_URL: stack.mongoUrl,
    MONGODB_DB: stack.dbName,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_TASK_QUEUE: worker.taskQueue,
    TEMPORAL_ACUMATICA_TASK_QUEUE: worker.acumaticaTaskQueue,
    ADMIN_API_KEY: FAULTS_ADMIN_KEY,
  });
  const schedules = new ScheduleService(stack.client);
  const app = await buildApp({
    config,
    logger: pino({ level: 'silent' }),
    store: stack.store,
    temporal: stack.client,
    schedules,
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
  });
  await app.ready();
  return { app, schedules, close: () => app.close() };
}

export const bearer = (key: string): { authorization: string } => ({ authorization: `Bearer ${key}` });
