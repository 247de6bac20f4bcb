/**
 * The setup every fault scenario file shares: its own stack, a worker child process on task queues of its
 * own, optionally the HTTP API, and watched emulators, all opened in `before` and closed in `after`, so a
 * scenario file keeps only what it injects and checks.
 */
import { after, before } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import type { EntityType } from '../../core/entities';
import type { RunSummary, SyncRunInput } from '../../core/runs';
import type { EmulatorOptions } from '../../emulator';
import type { Account } from '../../store/accounts';
import { openApi, type FaultApi, type FaultApiOptions } from './api';
import {
  createAccount,
  runResult,
  SOAK,
  startRun,
  startWatchedEmulator,
  waitFor,
  type WatchedEmulator,
} from './scenario';
import { openFaultStack, type FaultStack } from './stack';
import { workerProcess, type WorkerHandle, type WorkerOptions } from './worker';

/** The time a scenario test may take: quick in `npm test`, long under `--soak`. */
export const SCENARIO_TIMEOUT = SOAK ? 3_600_000 : 600_000;

export interface SuiteOptions {
  worker?: WorkerOptions;
  /** Starts the worker in `before` (the default); a scenario that kills it starts it itself. */
  startWorker?: boolean;
  /** Builds the HTTP API over the stack, starting runs on the worker's task queues. */
  api?: boolean | FaultApiOptions;
}

export interface FaultSuite {
  readonly stack: FaultStack;
  readonly worker: WorkerHandle;
  /** Only with `api: true`. */
  readonly api: FaultApi;
  /** Starts a watched emulator that is closed after the file. */
  emulator(options?: EmulatorOptions): Promise<WatchedEmulator>;
  /** Creates an account on the stack's store, connected to `emulator`. */
  account(
    emulator: WatchedEmulator,
    entityTypes: readonly EntityType[],
    settings?: Record<string, unknown>,
  ): Promise<Account & { apiKey: string }>;
  /** Starts a run of the account on the worker's task queue. */
  startRun(accountId: string, input?: Partial<SyncRunInput>): Promise<WorkflowHandle>;
  /** Starts a run of the account and waits for its summary. */
  run(accountId: string, timeoutMs: number): Promise<RunSummary>;
}

/** Opened before the file's tests run; a clear error instead of `undefined` when used too early. */
function opened<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is opened in before(): use it inside a test or hook`);
  return value;
}

/**
 * Registers the `before`/`after` hooks of a scenario file (call it inside `describe`): a fault stack named
 * `name`, its worker child process and, when asked, the API. `after` closes them in reverse order and
 * every emulator started through the suite.
 */
export function useFaultSuite(name: string, options: SuiteOptions = {}): FaultSuite {
  let stack: FaultStack | undefined;
  let worker: WorkerHandle | undefined;
  let api: FaultApi | undefined;
  const emulators: WatchedEmulator[] = [];

  before(async () => {
    stack = await openFaultStack(name);
    worker = workerProcess(stack, options.worker);
    if (options.startWorker !== false) await worker.start();
    if (options.api) api = await openApi(stack, worker, options.api === true ? {} : options.api);
  });
  after(async () => {
    await api?.close();
    await worker?.kill();
    for (const e of emulators) await e.close();
    await stack?.close();
  });

  const suite: FaultSuite = {
    get stack() {
      return opened(stack, 'the fault stack');
    },
    get worker() {
      return opened(worker, 'the worker');
    },
    get api() {
      return opened(api, 'the API (useFaultSuite with api: true)');
    },
    async emulator(emulatorOptions) {
      const emulator = await startWatchedEmulator(emulatorOptions);
      emulators.push(emulator);
      return emulator;
    },
    account: (emulator, entityTypes, settings) =>
      createAccount(suite.stack.store, emulator.url, entityTypes, settings),
    startRun: (accountId, input) => startRun(suite.stack.client, suite.worker.taskQueue, accountId, input),
    run: async (accountId, timeoutMs) => runResult(await suite.startRun(accountId), timeoutMs),
  };
  return suite;
}

/** Waits until the emulator has answered at least `count` requests of `method`. */
export function waitForRequests(
  emulator: WatchedEmulator,
  method: 'GET' | 'PUT',
  count: number,
  what: string,
  timeoutMs: number,
): Promise<true> {
  return waitFor(
    what,
    () => ((emulator.admin.counters()[method] ?? 0) >= count ? true : undefined),
    timeoutMs,
  );
}
