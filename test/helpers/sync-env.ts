/**
 * The real sync stack for integration tests: the Temporal dev server and FerretDB of the test harness
 * (`TEMPORAL_ADDRESS`, `MONGODB_URL`), an in-process Acumatica emulator, and the shipped workflows and
 * activities on fresh task queues.
 *
 *   const stack = useSyncStack('sync-push');             // once per file (or describe): opened before, closed after
 *   test('…', async () => {
 *     const env = await stack.setup();                   // per test: emulator, account, task queues
 *     const summary = await env.runSync();               // closed after the test, passed or failed
 *   });
 */
import { randomUUID } from 'node:crypto';
import { after, afterEach, before } from 'node:test';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type WorkflowBundle } from '@temporalio/worker';
import type { Db, MongoClient } from 'mongodb';
import pino, { type Logger } from 'pino';
import { AcumaticaClientRegistry } from '../../activities/client-registry';
import {
  emulatorConnection,
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../emulator';
import type { RestVersion } from '../../core/entities';
import type { RunSummary, SyncRunInput } from '../../core/runs';
import { DEV_MASTER_KEY } from '../../runtime/config';
import { connectMongo, createStore, ensureIndexes, parseMasterKey, SecretBox, type Store } from '../../store';
import type { Account } from '../../store/accounts';
import { createSyncWorkers, type WorkerConfig } from '../../worker/worker';
import { loadWorkflowBundle } from '../../worker/workflow-bundle';
import type { syncAccount } from '../../workflows';
import { DEVELOPMENT_OUTBOUND } from '../../runtime/outbound';

let bundle: Promise<WorkflowBundle> | undefined;

/** The shipped workflows, loaded once per test process (prebuilt by `npm run workflows:bundle` when current). */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= loadWorkflowBundle().then((loaded) => loaded.bundle);
  return bundle;
}

let runtimeInstalled = false;

/** Quiets the SDK before anything creates the runtime (it can be installed once per process). */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by another helper in this process: keep it.
  }
}

/** A logger for the worker under test: silent unless LOG_LEVEL asks for more. */
export function testLogger(): Logger {
  return pino({
    level:
      process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'info'
        ? process.env.LOG_LEVEL
        : 'silent',
  });
}

export const TEST_BOX = new SecretBox([parseMasterKey(DEV_MASTER_KEY)]);

export interface SyncStack {
  env: TestWorkflowEnvironment;
  client: Client;
  db: Db;
  mongo: MongoClient;
  /** The repositories, on the real clock unless a test passes its own to {@link SyncStack.setup}. */
  store: Store;
  setup(options?: SetupOptions): Promise<SyncEnv>;
  close(): Promise<void>;
}

export interface SetupOptions {
  emulator?: EmulatorOptions;
  /** Account settings (validated like the API's). */
  settings?: Record<string, unknown>;
  restVersion?: RestVersion;
  authMode?: 'oauth' | 'cookie';
  /** Password the account stores (default the emulator's `admin`). */
  password?: string;
  pageSize?: number;
  continueAsNewAt?: number;
  /** Clock of the repositories the workers use (our `updatedAt`). */
  now?: () => Date;
  /** Workflow code for the workers (default: this tree's); the history recorder passes an older commit's. */
  workflowBundle?: WorkflowBundle;
}

export interface SyncEnv {
  client: Client;
  db: Db;
  /** Repositories on the same clock as the workers'. */
  store: Store;
  emulator: RunningEmulator;
  account: Account;
  taskQueue: string;
  acumaticaTaskQueue: string;
  config: WorkerConfig;
  /**
   * Runs the workers while `fn` runs, then shuts them down. `wrap` may replace the store the activities
   * see (to inject a crash between an Acumatica write and our write-back).
   */
  runWorkers<T>(fn: () => Promise<T>, options?: { wrapStore?: (store: Store) => Store }): Promise<T>;
  /** Starts a run of the account and returns its handle (workers must be running). */
  startSync(input?: Partial<SyncRunInput>): Promise<WorkflowHandle<typeof syncAccount>>;
  /** Runs one sync of the account with workers running, and returns its summary. */
  runSync(
    input?: Partial<SyncRunInput>,
    options?: { wrapStore?: (store: Store) => Store },
  ): Promise<RunSummary>;
  /** Signs the workers' Acumatica sessions out and stops the emulator; idempotent. */
  close(): Promise<void>;
}

/**
 * Opens a {@link SyncStack} before the tests of the enclosing suite and closes it after them; each
 * environment a test sets up is closed after that test, whether it passed or failed. The stack it returns
 * may be used inside tests and hooks only (before that it is not open yet).
 */
export function useSyncStack(name: string): SyncStack {
  let opened: SyncStack | undefined;
  const envs: SyncEnv[] = [];
  before(async () => {
    opened = await openSyncStack(name);
  });
  afterEach(async () => {
    for (const env of envs.splice(0)) await env.close();
  });
  after(async () => {
    await opened?.close();
  });
  const open = (): SyncStack => {
    if (!opened)
      throw new Error(`the sync stack ${name} is opened in before(): use it inside a test or hook`);
    return opened;
  };
  return {
    get env() {
      return open().env;
    },
    get client() {
      return open().client;
    },
    get db() {
      return open().db;
    },
    get mongo() {
      return open().mongo;
    },
    get store() {
      return open().store;
    },
    setup: async (options) => {
      const env = await open().setup(options);
      envs.push(env);
      return env;
    },
    close: () => open().close(),
  };
}

/** Connects to the harness's Temporal and MongoDB, bundles the workflows, and creates a fresh database. */
export async function openSyncStack(name: string): Promise<SyncStack> {
  installQuietRuntime();
  const address = process.env.TEMPORAL_ADDRESS;
  const mongoUrl = process.env.MONGODB_URL;
  if (!address || !mongoUrl)
    throw new Error('TEMPORAL_ADDRESS and MONGODB_URL must be set (run through npm test)');
  const env = await TestWorkflowEnvironment.createFromExistingServer({
    address,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
  });
  const dbName = `test_${name.replace(/[^A-Za-z0-9_]/g, '_')}_${randomUUID().slice(0, 8)}`;
  const mongo = await connectMongo(mongoUrl, dbName, { appName: `test-${name}` });
  await ensureIndexes(mongo.db);
  await workflowBundle();
  const store = createStore(mongo.db);

  return {
    env,
    client: env.client,
    db: mongo.db,
    mongo: mongo.client,
    store,
    setup: (options = {}) => setupSyncEnv({ env, db: mongo.db, options }),
    async close() {
      await mongo.db.dropDatabase().catch(() => undefined);
      await mongo.close();
      await env.teardown();
    },
  };
}

async function setupSyncEnv(args: {
  env: TestWorkflowEnvironment;
  db: Db;
  options: SetupOptions;
}): Promise<SyncEnv> {
  const { env, db, options } = args;
  const store = createStore(db, options.now ? { now: options.now } : {});
  const emulator = await startEmulator({ seed: 'none', ...options.emulator });
  const { clientId, clientSecret, ...connection } = emulatorConnection(emulator.url);
  const { account } = await store.accounts.create(
    {
      name: `test ${randomUUID().slice(0, 8)}`,
      settings: options.settings ?? {},
      connection: {
        ...connection,
        restPassword: options.password ?? connection.restPassword,
        restVersion: options.restVersion ?? '24.200.001',
        authMode: options.authMode ?? 'oauth',
        ...(options.authMode === 'cookie' ? {} : { clientId, clientSecret }),
      },
    },
    TEST_BOX,
  );
  const suffix = randomUUID();
  const config: WorkerConfig = {
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: `sync-${suffix}`,
    TEMPORAL_ACUMATICA_TASK_QUEUE: `acumatica-${suffix}`,
    ACUMATICA_ACTIVITIES_PER_SECOND: 1000,
    ACUMATICA_MAX_CONCURRENT_ACTIVITIES: 8,
    ACUMATICA_MAX_ACTIVITIES_PER_ACCOUNT: 8,
    SYNC_PAGE_SIZE: options.pageSize ?? 50,
    SYNC_CONTINUE_AS_NEW_EVENTS: options.continueAsNewAt ?? 2000,
    SYNC_UNREACHABLE_TIMEOUT_SECONDS: 3600,
  };
  const logger = testLogger();
  const clients = new AcumaticaClientRegistry({
    accounts: store.accounts,
    box: TEST_BOX,
    logger,
    limits: { requestsPerMinute: 60_000, maxConcurrent: 8 },
    outbound: DEVELOPMENT_OUTBOUND,
  });

  const runWorkers = async <T>(
    fn: () => Promise<T>,
    runOptions: { wrapStore?: (s: Store) => Store } = {},
  ): Promise<T> => {
    const workers = await createSyncWorkers({
      connection: env.nativeConnection,
      client: env.client,
      store: runOptions.wrapStore ? runOptions.wrapStore(store) : store,
      clients,
      config,
      logger,
      workflowBundle: options.workflowBundle ?? (await workflowBundle()),
    });
    const running = workers.run();
    try {
      return await fn();
    } finally {
      workers.shutdown();
      await running;
    }
  };
  let closing: Promise<void> | undefined;
  const startSync = (input: Partial<SyncRunInput> = {}) =>
    env.client.workflow.start<typeof syncAccount>('syncAccount', {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: `sync/${account.id}/${randomUUID()}`,
      args: [{ accountId: account.id, trigger: 'manual', ...input }],
    });

  return {
    client: env.client,
    db,
    store,
    emulator,
    account,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    acumaticaTaskQueue: config.TEMPORAL_ACUMATICA_TASK_QUEUE,
    config,
    runWorkers,
    startSync,
    runSync: (input = {}, runOptions = {}) =>
      runWorkers(async () => (await startSync(input)).result(), runOptions),
    close: () =>
      (closing ??= (async () => {
        await clients.close();
        await emulator.close();
      })()),
  };
}
