/**
 * The shipped worker (`worker/main.ts`) as a child process, so a scenario can SIGKILL it at any point and
 * start it again, exactly as a crashed container would be restarted.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { freePort, spawnLogged, type ManagedProcess } from '../../scripts/stack';
import { projectRoot } from '../../scripts/tools';
import type { FaultStack } from './stack';

export interface WorkerOptions {
  pageSize?: number;
  /** Activities per second over the Acumatica task queue (server-side limit for all workers). */
  activitiesPerSecond?: number;
  maxConcurrentActivities?: number;
  /** Further configuration keys of the worker (e.g. an account's share of the activity slots). */
  env?: Record<string, string>;
}

export interface WorkerHandle {
  taskQueue: string;
  acumaticaTaskQueue: string;
  /** How many times a worker process was started. */
  readonly starts: number;
  start(): Promise<void>;
  /** SIGKILL: no shutdown, no sign-out, in-flight activities are abandoned. */
  kill(): Promise<void>;
  /** SIGTERM: a graceful shutdown. */
  stop(): Promise<void>;
  running(): boolean;
}

/** A restartable worker child process on task queues of its own. */
export function workerProcess(stack: FaultStack, options: WorkerOptions = {}): WorkerHandle {
  const suffix = randomUUID().slice(0, 8);
  const taskQueue = `faults-sync-${stack.name}-${suffix}`;
  const acumaticaTaskQueue = `faults-acumatica-${stack.name}-${suffix}`;
  let proc: ManagedProcess | undefined;
  let starts = 0;
  const exited = () => !proc || proc.child.exitCode !== null || proc.child.signalCode !== null;

  return {
    taskQueue,
    acumaticaTaskQueue,
    get starts() {
      return starts;
    },
    async start() {
      if (!exited()) throw new Error('the worker is already running');
      starts += 1;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        TEMPORAL_ADDRESS: stack.temporalAddress,
        TEMPORAL_NAMESPACE: 'default',
        TEMPORAL_TASK_QUEUE: taskQueue,
        TEMPORAL_ACUMATICA_TASK_QUEUE: acumaticaTaskQueue,
        MONGODB_URL: stack.mongoUrl,
        MONGODB_DB: stack.dbName,
        WORKER_METRICS_PORT: String(await freePort()),
        SYNC_PAGE_SIZE: String(options.pageSize ?? 10),
        ACUMATICA_ACTIVITIES_PER_SECOND: String(options.activitiesPerSecond ?? 200),
        ACUMATICA_MAX_CONCURRENT_ACTIVITIES: String(options.maxConcurrentActivities ?? 8),
        ...options.env,
      };
      proc = spawnLogged(
        'worker',
        process.execPath,
        ['--import', 'tsx', join(projectRoot, 'worker', 'main.ts')],
        join(stack.dir, 'logs', `worker-${suffix}.log`),
        env,
      );
    },
    async kill() {
      const current = proc;
      if (!current || exited()) return;
      const gone = new Promise<void>((resolve) => current.child.once('exit', () => resolve()));
      current.child.kill('SIGKILL');
      await gone;
    },
    async stop() {
      await proc?.stop();
    },
    running: () => !exited(),
  };
}
