/**
 * The bench's private dev stack: FerretDB and a headless in-memory Temporal dev server on free ports, the
 * Acumatica emulator in-process on a free port, the workflows bundled once to a file, and the worker as a
 * child process (one per measurement, so its peak RSS belongs to that measurement alone).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { emulatorConnection, startEmulator, type RunningEmulator } from '../emulator';
import {
  connectMongo,
  createStore,
  ensureIndexes,
  parseMasterKey,
  SecretBox,
  type MongoConnection,
  type Store,
} from '../store';
import { DEV_MASTER_KEY } from '../runtime/config';
import type { Account } from '../store/accounts';
import { ensureTools, projectRoot } from '../scripts/tools';
import { freePort, mongoUrl, startFerretDB, startTemporal, type ManagedProcess } from '../scripts/stack';
import { loadWorkflowBundle } from '../worker/workflow-bundle';
import type { MongoCounters, ParentMessage, WorkerMessage } from './ipc';

export interface Environment {
  machine: { cores: number; cpu: string; memoryGiB: number };
  versions: { node: string; temporal: string; ferretdb: string; temporalSdk: string };
}

export interface BenchStack {
  env: Environment;
  temporal: Client;
  store: Store;
  emulator: RunningEmulator;
  mongo: MongoConnection;
  /** Process ids of the store server and the Temporal dev server, for CPU time from /proc. */
  pids: { ferretdb: number; temporal: number };
  /** Writes a progress line to stderr (stdout stays machine-readable). */
  log(line: string): void;
  /**
   * Creates a fresh account pointing at the emulator (OAuth, REST 24.200.001), with `settings` if given;
   * `emulatorUrl` points it at another emulator (each tenant of the many-tenants scenario has its own).
   */
  createAccount(name: string, settings?: Record<string, unknown>, emulatorUrl?: string): Promise<Account>;
  startWorker(options: WorkerOptions): Promise<BenchWorker>;
  close(): Promise<void>;
}

export interface WorkerOptions {
  /** Client-side limiter of the account (requests per minute). */
  requestsPerMinute: number;
  /** Concurrent Acumatica requests (limiter) and concurrent Acumatica activities. */
  maxConcurrent: number;
  pageSize: number;
  /** Acumatica activity slots of the worker (default `maxConcurrent`) and each account's share of them. */
  activitySlots?: { total: number; perAccount: number };
}

export interface BenchWorker {
  pid: number;
  taskQueue: string;
  counters(): Promise<MongoCounters>;
  /** Starts the worker's V8 CPU profiler (what `--cpu-prof` uses, but around one run, not the process). */
  startProfile(): Promise<void>;
  /** Stops it and writes the `.cpuprofile` to `file`. */
  stopProfile(file: string): Promise<void>;
  /** Resident set size now (VmRSS), in bytes. */
  rssBytes(): number;
  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRssBytes(): number;
  stop(): Promise<void>;
}

const BOX = new SecretBox([parseMasterKey(DEV_MASTER_KEY)]);

function toolVersion(binary: string): string {
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return `${out.stdout}`.split('\n')[0]?.trim() ?? 'unknown';
}

function environment(tools: { temporal: string; ferretdb: string }): Environment {
  const sdk = JSON.parse(
    readFileSync(join(projectRoot, 'node_modules/@temporalio/worker/package.json'), 'utf8'),
  ) as { version: string };
  return {
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    },
    versions: {
      node: process.versions.node,
      temporal: toolVersion(tools.temporal),
      ferretdb: toolVersion(tools.ferretdb).replace(/^Version:\s*/, ''),
      temporalSdk: sdk.version,
    },
  };
}

/** Starts the private stack; `log` receives progress lines (stderr, so stdout stays machine-readable). */
export async function startBenchStack(dir: string, log: (line: string) => void): Promise<BenchStack> {
  mkdirSync(dir, { recursive: true });
  const tools = await ensureTools(log);
  const procs: ManagedProcess[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
    for (const p of procs.reverse()) await p.stop();
  };
  try {
    const ferretPort = await freePort();
    log(`starting FerretDB on ${ferretPort}`);
    procs.push(
      await startFerretDB({
        binary: tools.ferretdb,
        port: ferretPort,
        dataDir: join(dir, 'ferretdb'),
        logFile: join(dir, 'ferretdb.log'),
      }),
    );
    const temporalPort = await freePort();
    log(`starting the Temporal dev server on ${temporalPort}`);
    procs.push(
      await startTemporal({
        binary: tools.temporal,
        port: temporalPort,
        uiPort: null,
        dbFile: null,
        logFile: join(dir, 'temporal.log'),
      }),
    );
    const temporalAddress = `127.0.0.1:${temporalPort}`;
    const connection = await Connection.connect({ address: temporalAddress });
    cleanups.push(() => connection.close());
    const temporal = new Client({ connection, namespace: 'default' });

    const dbName = `bench_${randomUUID().slice(0, 8)}`;
    const mongo = await connectMongo(mongoUrl(ferretPort), dbName, { appName: 'bench' });
    cleanups.push(() => mongo.close());
    await ensureIndexes(mongo.db);
    const store = createStore(mongo.db);

    const emulator = await startEmulator({ seed: 'none' });
    cleanups.push(() => emulator.close());

    log('loading the workflow bundle');
    const { bundle } = await loadWorkflowBundle();
    const bundlePath = join(dir, 'workflow-bundle.js');
    writeFileSync(bundlePath, bundle.code);

    let workerCount = 0;
    const startWorker = async (options: WorkerOptions): Promise<BenchWorker> => {
      const suffix = `${++workerCount}-${randomUUID().slice(0, 8)}`;
      const taskQueue = `bench-sync-${suffix}`;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        TEMPORAL_ADDRESS: temporalAddress,
        TEMPORAL_NAMESPACE: 'default',
        TEMPORAL_TASK_QUEUE: taskQueue,
        TEMPORAL_ACUMATICA_TASK_QUEUE: `bench-acumatica-${suffix}`,
        MONGODB_URL: mongoUrl(ferretPort),
        MONGODB_DB: dbName,
        // Pages are activities: the server-side rate is not what paces requests here, the limiter is.
        ACUMATICA_ACTIVITIES_PER_SECOND: '1000',
        ACUMATICA_MAX_CONCURRENT_ACTIVITIES: String(options.activitySlots?.total ?? options.maxConcurrent),
        ...(options.activitySlots
          ? { ACUMATICA_MAX_ACTIVITIES_PER_ACCOUNT: String(options.activitySlots.perAccount) }
          : {}),
        // The accounts' licence budget (their connections set none, so the worker default applies).
        ACUMATICA_REQUESTS_PER_MINUTE: String(options.requestsPerMinute),
        ACUMATICA_MAX_CONCURRENT_REQUESTS: String(options.maxConcurrent),
        SYNC_PAGE_SIZE: String(options.pageSize),
        BENCH_WORKFLOW_BUNDLE: bundlePath,
      };
      const worker = spawnWorker(env, join(dir, `worker-${suffix}.log`), taskQueue);
      cleanups.push(() => worker.stop());
      await worker.ready;
      return worker;
    };

    return {
      env: environment(tools),
      temporal,
      store,
      emulator,
      mongo,
      pids: { ferretdb: procs[0]?.child.pid ?? -1, temporal: procs[1]?.child.pid ?? -1 },
      log,
      async createAccount(name, settings = {}, emulatorUrl = emulator.url) {
        const { account } = await store.accounts.create(
          {
            name,
            settings,
            connection: { ...emulatorConnection(emulatorUrl), restVersion: '24.200.001' },
          },
          BOX,
        );
        return account;
      },
      startWorker,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function spawnWorker(
  env: NodeJS.ProcessEnv,
  logFile: string,
  taskQueue: string,
): BenchWorker & { ready: Promise<void> } {
  const fd = openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'worker-process.ts')],
    { stdio: ['ignore', fd, fd, 'ipc'], env },
  );
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let nextId = 0;
  const pending = new Map<number, (m: WorkerMessage) => void>();
  /** Sends a request and resolves with the worker's answer to it. */
  const ask = (message: ParentMessage): Promise<WorkerMessage> =>
    new Promise((resolve) => {
      pending.set(message.id, (answer) => {
        pending.delete(message.id);
        resolve(answer);
      });
      child.send(message);
    });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the bench worker exited with code ${code} before it was ready; see ${logFile}`)),
    );
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') resolve();
      else pending.get(message.id)?.(message);
    });
  });
  let stopped: Promise<void> | undefined;
  return {
    pid: child.pid ?? -1,
    taskQueue,
    ready,
    async counters() {
      const answer = await ask({ type: 'counters', id: ++nextId });
      if (answer.type !== 'counters') throw new Error(`the bench worker answered ${answer.type} to counters`);
      return answer.mongo;
    },
    async startProfile() {
      await ask({ type: 'profile-start', id: ++nextId });
    },
    async stopProfile(file) {
      await ask({ type: 'profile-stop', id: ++nextId, file });
    },
    rssBytes: () => procStatusBytes(child.pid, 'VmRSS'),
    peakRssBytes: () => procStatusBytes(child.pid, 'VmHWM'),
    stop() {
      stopped ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}

/** A size line of /proc/<pid>/status (VmRSS, VmHWM…), in bytes; NaN once the process is gone. */
function procStatusBytes(pid: number | undefined, field: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1];
    return kb ? Number(kb) * 1024 : NaN;
  } catch {
    return NaN;
  }
}
