/**
 * Building blocks of the fault scenarios: an emulator whose responses a scenario can watch (to kill the
 * worker right after Acumatica committed a write), accounts and marked records, starting runs and waiting
 * for them across server restarts, retry counts from workflow histories, and the figures each scenario
 * reports to the `test:faults` runner.
 */
import { appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  buildEmulator,
  emulatorConnection,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../emulator';
import type { EntityType } from '../../core/entities';
import type { RunSummary, SyncRunInput } from '../../core/runs';
import type { Store } from '../../store';
import type { Account } from '../../store/accounts';
import { createMarked, customerInput, productInput, salesOrderInput } from '../helpers/records';
import { TEST_BOX } from '../helpers/sync-env';
import type { Tally } from './checks';

/** `npm run test:faults -- --soak` runs the same scenarios with larger volumes and more repetitions. */
export const SOAK = process.env.FSAC_FAULTS_SOAK === '1';

/** The quick figure in `npm test`, the soak figure under `--soak`. */
export const volume = (quick: number, soak: number): number => (SOAK ? soak : quick);

import { waitFor } from '../helpers/wait';

export { waitFor };

export type ResponseListener = (req: FastifyRequest, reply: FastifyReply) => void;

export type SendListener = (req: FastifyRequest, reply: FastifyReply) => Promise<void> | void;

export interface WatchedEmulator extends RunningEmulator {
  /** Calls `fn` after each response is sent; returns a function that removes it. */
  onResponse(fn: ResponseListener): () => void;
  /**
   * Calls `fn` once a request was processed (a write is committed) but before its response is sent, and
   * waits for it: what happens in `fn` happens before the client can see the answer.
   */
  beforeSend(fn: SendListener): () => void;
}

/** Starts an in-process emulator (nothing seeded unless asked) whose responses can be watched. */
export async function startWatchedEmulator(options: EmulatorOptions = {}): Promise<WatchedEmulator> {
  const app = await buildEmulator({ seed: 'none', ...options });
  const listeners = new Set<ResponseListener>();
  const senders = new Set<SendListener>();
  app.addHook('onResponse', async (req, reply) => {
    for (const fn of listeners) fn(req, reply);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    for (const fn of senders) await fn(req, reply);
    return payload;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    admin: app.emulatorAdmin,
    close: () => app.close(),
    onResponse(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    beforeSend(fn) {
      senders.add(fn);
      return () => senders.delete(fn);
    },
  };
}

/** The entity route of an Acumatica request (`PUT SalesOrder`, `GET Customer`), or null for other routes. */
export function entityRoute(req: FastifyRequest): { method: string; entity: string } | null {
  const match = /^\/entity\/Default\/[^/]+\/([^/?]+)/.exec(req.url);
  return match?.[1] ? { method: req.method.toUpperCase(), entity: match[1] } : null;
}

/**
 * Creates an account connected to `emulatorUrl` through the store (OAuth, the emulator's admin user);
 * `apiKey` is the account's first API key.
 */
export async function createAccount(
  store: Store,
  emulatorUrl: string,
  entityTypes: readonly EntityType[],
  settings: Record<string, unknown> = {},
): Promise<Account & { apiKey: string }> {
  const { account, apiKey } = await store.accounts.create(
    {
      name: `faults ${randomUUID().slice(0, 8)}`,
      settings: { ...settings, entityTypes },
      connection: { ...emulatorConnection(emulatorUrl), restVersion: '24.200.001' },
    },
    TEST_BOX,
  );
  return { ...account, apiKey };
}

/** The entity types of the standard data set, in dependency order. */
export const DATASET_TYPES = [
  'customers',
  'products',
  'sales-orders',
] as const satisfies readonly EntityType[];

export interface Dataset {
  customers: string[];
  products: string[];
  'sales-orders': string[];
  total: number;
}

/**
 * Creates and marks `customers` customers, half as many products and as many sales orders as customers
 * (each on one customer and one product): client-chosen keys and auto-numbered documents in one run.
 */
export async function seedDataset(store: Store, accountId: string, customers: number): Promise<Dataset> {
  const set: Dataset = { customers: [], products: [], 'sales-orders': [], total: 0 };
  for (let i = 0; i < customers; i++) {
    set.customers.push((await createMarked(store, accountId, 'customers', customerInput()))._id);
  }
  for (let i = 0; i < Math.max(1, Math.ceil(customers / 2)); i++) {
    set.products.push((await createMarked(store, accountId, 'products', productInput()))._id);
  }
  for (let i = 0; i < customers; i++) {
    const customerId = set.customers[i] as string;
    const productId = set.products[i % set.products.length] as string;
    set['sales-orders'].push(
      (await createMarked(store, accountId, 'sales-orders', salesOrderInput(customerId, productId)))._id,
    );
  }
  set.total = set.customers.length + set.products.length + set['sales-orders'].length;
  return set;
}

/** Starts a run of the account on the worker's task queue, with the id rules of the API (`sync/<account>/…`). */
export function startRun(
  client: Client,
  taskQueue: string,
  accountId: string,
  input: Partial<SyncRunInput> = {},
): Promise<WorkflowHandle> {
  return client.workflow.start('syncAccount', {
    taskQueue,
    workflowId: `sync/${accountId}/faults-${new Date().toISOString()}-${randomUUID().slice(0, 4)}`,
    args: [{ accountId, trigger: 'manual', ...input } satisfies SyncRunInput],
  });
}

/** Waits until no run of the account is executing (say, runs the API started are all done). */
export function waitForNoRun(client: Client, accountId: string, timeoutMs: number): Promise<true> {
  return waitFor(
    'no run in progress',
    async () => {
      for await (const info of client.workflow.list({
        query: `FsacAccount = '${accountId}' AND ExecutionStatus = 'Running'`,
      })) {
        if (info) return undefined;
      }
      return true;
    },
    timeoutMs,
  );
}

/**
 * The run's summary. Keeps waiting through connection errors (a Temporal server being restarted) until
 * the deadline; a failed run throws at once.
 */
export async function runResult(handle: WorkflowHandle, timeoutMs: number): Promise<RunSummary> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`run ${handle.workflowId} did not finish within ${timeoutMs / 1000}s`)),
        Math.max(deadline - Date.now(), 0),
      );
    });
    try {
      return (await Promise.race([handle.result(), late])) as RunSummary;
    } catch (err) {
      if (err instanceof WorkflowFailedError || Date.now() >= deadline) throw err;
    } finally {
      clearTimeout(timer);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Retries seen in the histories of a run and its entity children (every continue-as-new segment). */
export interface RetryCounts {
  /** Activity attempts beyond the first (`ActivityTaskStarted.attempt − 1`, summed). */
  retries: number;
  /** Activities that ended failed or timed out after their retries. */
  failedActivities: number;
  /** Activity type → retries. */
  byActivity: Record<string, number>;
}

interface HistoryEvent {
  eventType?: unknown;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
  activityTaskStartedEventAttributes?: { scheduledEventId?: unknown; attempt?: number | null } | null;
  activityTaskFailedEventAttributes?: unknown;
  activityTaskTimedOutEventAttributes?: unknown;
  workflowExecutionStartedEventAttributes?: { continuedExecutionRunId?: string | null } | null;
  eventId?: unknown;
}

/** Counts retries in the histories of `workflowIds`, following each chain of continue-as-new runs. */
export async function retryCounts(client: Client, workflowIds: readonly string[]): Promise<RetryCounts> {
  const counts: RetryCounts = { retries: 0, failedActivities: 0, byActivity: {} };
  for (const workflowId of workflowIds) {
    let runId: string | undefined;
    for (let segment = 0; segment < 100; segment++) {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      const events = (history.events ?? []) as HistoryEvent[];
      const names = new Map<string, string>();
      for (const e of events) {
        const scheduled = e.activityTaskScheduledEventAttributes;
        if (scheduled) names.set(String(e.eventId), scheduled.activityType?.name ?? 'unknown');
        const started = e.activityTaskStartedEventAttributes;
        if (started && (started.attempt ?? 1) > 1) {
          const extra = (started.attempt ?? 1) - 1;
          const name = names.get(String(started.scheduledEventId)) ?? 'unknown';
          counts.retries += extra;
          counts.byActivity[name] = (counts.byActivity[name] ?? 0) + extra;
        }
        if (e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes)
          counts.failedActivities += 1;
      }
      const previous = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
      if (!previous) break;
      runId = previous;
    }
  }
  return counts;
}

/**
 * The highest attempt number among the activities the given workflows have pending right now (0 when
 * none is pending or a workflow does not exist yet).
 */
export async function pendingAttempts(client: Client, workflowIds: readonly string[]): Promise<number> {
  let highest = 0;
  for (const workflowId of workflowIds) {
    const description = await client.workflow
      .getHandle(workflowId)
      .describe()
      .catch(() => null);
    for (const activity of description?.raw.pendingActivities ?? [])
      highest = Math.max(highest, activity.attempt ?? 0);
  }
  return highest;
}

/** A history timestamp in milliseconds. */
function millis(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  const seconds = ts?.seconds as { toNumber?: () => number } | number | string | undefined;
  const s = typeof seconds === 'object' && seconds?.toNumber ? seconds.toNumber() : Number(seconds ?? 0);
  return s * 1000 + Math.floor((ts?.nanos ?? 0) / 1e6);
}

/**
 * When a run did its work: from the completion of its plan (the run lock is taken) to the scheduling of
 * its finish (which releases it). Null for a run that never got past planning or never finished.
 */
export async function workInterval(
  client: Client,
  workflowId: string,
  runId?: string,
): Promise<{ from: number; to: number } | null> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const events = (history.events ?? []) as (HistoryEvent & {
    eventTime?: { seconds?: unknown; nanos?: number | null } | null;
    activityTaskCompletedEventAttributes?: { scheduledEventId?: unknown } | null;
  })[];
  const planIds = new Set<string>();
  let from: number | null = null;
  let to: number | null = null;
  for (const e of events) {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name === 'planRun') planIds.add(String(e.eventId));
    if (name === 'finishRun' && to === null) to = millis(e.eventTime);
    const completed = e.activityTaskCompletedEventAttributes;
    if (completed && planIds.has(String(completed.scheduledEventId)) && from === null)
      from = millis(e.eventTime);
  }
  return from !== null && to !== null ? { from, to } : null;
}

/** The run's workflow id and its entity children's ids. */
export function runWorkflowIds(handle: WorkflowHandle, types: readonly EntityType[]): string[] {
  return [handle.workflowId, ...types.map((t) => `${handle.workflowId}/${t}`)];
}

export interface Figures {
  scenario: string;
  passed: boolean;
  duplicates: number;
  lost: number;
  recordsChecked: number;
  /** Acknowledged edits missing from the store (scenarios that edit through the API). */
  lostEdits?: number;
  /** API answers that were not the record as stored at their revision. */
  staleAnswers?: number;
  injected: Record<string, unknown>;
  checked: Record<string, unknown>;
  /** The noisy-neighbour scenario only: A's run time next to a hung ERP ÷ A's run time alone. */
  noisyNeighbourRatio?: number;
}

/**
 * Prints what the scenario injected and checked, and appends its figures to the runner's results file
 * (`FSAC_FAULTS_RESULTS`, one JSON object a line) when the runner set one.
 */
export function report(figures: Figures): void {
  console.log(`[faults] ${JSON.stringify(figures)}`);
  const file = process.env.FSAC_FAULTS_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify(figures)}\n`);
}

/** Figures from a tally plus what else the scenario wants to show. */
export function figures(
  scenario: string,
  tally: Tally,
  injected: Record<string, unknown>,
  checked: Record<string, unknown> = {},
  passed = tally.duplicates === 0 && tally.lost === 0 && tally.orphans === 0,
): Figures {
  return {
    scenario,
    passed,
    duplicates: tally.duplicates,
    lost: tally.lost,
    recordsChecked: tally.recordsChecked,
    injected,
    checked: { orphans: tally.orphans, problems: tally.problems, ...checked },
  };
}
