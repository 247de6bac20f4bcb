/**
 * The benchmark scenarios. Each returns one machine-readable result with its goals; none asserts anything.
 * Sizes come from the profile (`full` or `quick`).
 */
import type { EntityType } from '../core/entities';
import { ENTITIES, ENTITY_TYPES } from '../core/entities';
import type { SeedCounts } from '../emulator';
import { recordCollectionName } from '../store';
import { createPushData, mixTotal, pushMix } from './fixtures';
import type { TenantsProfile } from './tenants';
import type { MongoCounters } from './ipc';
import {
  accounting,
  counterDelta,
  cpuSnapshot,
  entityRequests,
  round,
  runSync,
  type Accounting,
  type CpuProcesses,
  type RunMeasure,
} from './measure';
import type { BenchStack, BenchWorker } from './stack';

export interface Profile {
  name: 'full' | 'quick';
  /** Records pushed at the licence limit (scenarios 1 and 4). */
  pushRecords: number;
  /** Licence of scenario 1: requests per minute and concurrent requests. */
  licence: { requestsPerMinute: number; concurrent: number };
  /** Acumatica records pulled in scenario 2. */
  pullRecords: number;
  /** Scenario 5's volumes, smallest first: `scaleThroughputRatio` compares the largest with the smallest. */
  scale: number[];
  /** Records per page: the shipped default of `SYNC_PAGE_SIZE`. */
  pageSize: number;
  /** Scenario 7: accounts on one worker, each with its own emulated licence and records. */
  tenants: TenantsProfile;
  /** Scenario 6: ERP edits (one customer each) at a steady rate, over this many customers. */
  notifications: { edits: number; perSecond: number; customers: number };
}

/**
 * Sizes: the full profile is the (thousands pushed at the licence limit, tens of thousands pulled,
 * scale at 10k, 50k and 100k); the quick one runs in minutes.
 */
export const PROFILES: Record<Profile['name'], Profile> = {
  full: {
    name: 'full',
    pushRecords: 2000,
    licence: { requestsPerMinute: 300, concurrent: 6 },
    pullRecords: 20000,
    scale: [10000, 50000, 100000],
    pageSize: 500,
    notifications: { edits: 300, perSecond: 5, customers: 2000 },
    tenants: { accounts: 100, minRecords: 100, maxRecords: 500, requestsPerMinute: 300, concurrent: 4 },
  },
  quick: {
    name: 'quick',
    pushRecords: 300,
    licence: { requestsPerMinute: 1200, concurrent: 6 },
    pullRecords: 1000,
    scale: [1000, 5000],
    pageSize: 500,
    notifications: { edits: 60, perSecond: 4, customers: 200 },
    tenants: { accounts: 10, minRecords: 50, maxRecords: 100, requestsPerMinute: 300, concurrent: 4 },
  },
};

export interface Goal {
  name: string;
  target: string;
  met: boolean;
}

export interface ScenarioResult {
  scenario: string;
  goals: Goal[];
  [key: string]: unknown;
}

export const PUSH_TYPES: EntityType[] = ['customers', 'products', 'services', 'invoices'];
export const PULL_TYPES: EntityType[] = [
  'customers',
  'vendors',
  'products',
  'services',
  'projects',
  'work-orders',
];
/** Effectively no limit: the client limiter needs a positive rate. */
export const UNLIMITED_RPM = 1_000_000;
const RECORD_COLLECTIONS = new Set(ENTITY_TYPES.map((t) => recordCollectionName(t)));

export const goal = (name: string, target: string, met: boolean): Goal => ({ name, target, met });

/** Acumatica records of `total`, spread like a real tenant's master data and service orders. */
export function pullSeed(total: number, seed: number): SeedCounts {
  return {
    customers: Math.round(total * 0.4),
    vendors: Math.round(total * 0.1),
    stockItems: Math.round(total * 0.3),
    nonStockItems: Math.round(total * 0.1),
    projects: Math.round(total * 0.05),
    serviceOrders: Math.round(total * 0.05),
    seed,
  };
}

/**
 * Settings of the pull scenarios' accounts. The emulator dates its records over the last 60 days and a pull
 * reads work orders only inside the account's window (`lastModifiedSinceDays`, default 30): with the
 * default, about half the seeded service orders (2.5% of a pull) are never asked for, by design, and the
 * counts could not add up to what was seeded. A window covering every seeded record makes them comparable.
 */
export const PULL_ACCOUNT_SETTINGS = { lastModifiedSinceDays: 3650 };

/** Records of `seeded` (the emulator's counts by Acumatica entity) that a pull of `types` reads. */
export function seededFor(seeded: Record<string, number>, types: readonly EntityType[]): number {
  const entities = new Set(types.map((t) => ENTITIES[t].acumaticaEntity));
  return Object.entries(seeded).reduce((n, [entity, count]) => n + (entities.has(entity) ? count : 0), 0);
}

/** The goal every push and pull line carries: each seeded record ends in exactly one count. */
export const accountedGoal = (a: Accounting): Goal =>
  goal('accounted', 'pushed + pulled + unchanged + skipped + failed == seeded', a.accounted);

function mongoDelta(
  after: MongoCounters,
  before: MongoCounters,
): {
  commands: number;
  byName: Record<string, number>;
  recordWrites: number;
  recordWriteCommands: number;
  writesByCollection: Record<string, number>;
} {
  const writesByCollection = counterDelta(after.writes, before.writes);
  const writeCommands = counterDelta(after.writeCommands, before.writeCommands);
  const onRecords = (counts: Record<string, number>) =>
    Object.entries(counts).reduce(
      (n, [collection, c]) => n + (RECORD_COLLECTIONS.has(collection) ? c : 0),
      0,
    );
  const byName = counterDelta(after.commands, before.commands);
  const commands = Object.values(byName).reduce((a, b) => a + b, 0);
  return {
    commands,
    byName,
    recordWrites: onRecords(writesByCollection),
    recordWriteCommands: onRecords(writeCommands),
    writesByCollection,
  };
}

/** Runs a sync while recording emulator requests and the worker's MongoDB commands. */
export async function measuredRun(
  stack: BenchStack,
  worker: BenchWorker,
  accountId: string,
  entityTypes: EntityType[],
  full = false,
): Promise<
  RunMeasure & {
    requests: ReturnType<typeof entityRequests>;
    counters: Record<string, number>;
    mongo: ReturnType<typeof mongoDelta>;
    /** CPU milliseconds each process spent during the run. */
    cpu: { before: CpuProcesses; after: CpuProcesses };
  }
> {
  const pids = { worker: worker.pid, ...stack.pids };
  const emuBefore = stack.emulator.admin.counters();
  const mongoBefore = await worker.counters();
  const cpuBefore = cpuSnapshot(pids);
  const run = await runSync(stack.temporal, worker.taskQueue, { accountId, entityTypes, full });
  const cpu = { before: cpuBefore, after: cpuSnapshot(pids) };
  const counters = counterDelta(stack.emulator.admin.counters(), emuBefore);
  const mongo = mongoDelta(await worker.counters(), mongoBefore);
  if (run.summary.outcome !== 'succeeded') {
    process.stderr.write(
      `run ${run.workflowId} ended ${run.summary.outcome}: ${JSON.stringify(run.summary.failures.slice(0, 3))}\n`,
    );
  }
  return { ...run, requests: entityRequests(counters), counters, mongo, cpu };
}

export function runFacts(run: RunMeasure): Record<string, unknown> {
  return { outcome: run.summary.outcome, totals: run.summary.totals };
}

/** Scenario 1: the initial push of marked records through a realistic licence. */
export async function initialPush(
  stack: BenchStack,
  p: Profile,
): Promise<{ result: ScenarioResult; accountId: string; worker: BenchWorker }> {
  const { requestsPerMinute, concurrent } = p.licence;
  stack.emulator.admin.reset();
  stack.emulator.admin.setLimits({
    maxRequestsPerMinute: requestsPerMinute,
    maxConcurrentRequests: concurrent,
  });
  const account = await stack.createAccount('bench initial push');
  const mix = pushMix(p.pushRecords);
  await createPushData(stack.store, account.id, mix);
  const worker = await stack.startWorker({
    requestsPerMinute,
    maxConcurrent: concurrent,
    pageSize: p.pageSize,
  });
  const run = await measuredRun(stack, worker, account.id, PUSH_TYPES);
  const requests = run.requests.total;
  const minimumSeconds = requests / (requestsPerMinute / 60);
  const utilization = minimumSeconds / run.wallSeconds;
  const pushed = run.summary.totals.pushed;
  const perRecord = requests / Math.max(1, pushed);
  const counted = accounting(mixTotal(mix), run.summary);
  return {
    accountId: account.id,
    worker,
    result: {
      scenario: 'initial-push-at-licence-limit',
      licence: p.licence,
      records: mixTotal(mix),
      mix,
      ...counted,
      requests,
      requestsByKind: run.requests,
      throttled: { delayed: run.counters.delayed ?? 0, declined: run.counters.declined ?? 0 },
      wallSeconds: run.wallSeconds,
      minimumSeconds: round(minimumSeconds, 2),
      utilization: round(utilization),
      requestsPerPushedRecord: round(perRecord),
      mongoWritesPerPushedRecord: round(run.mongo.recordWrites / Math.max(1, pushed)),
      ...runFacts(run),
      goals: [
        goal('utilization', '>= 0.90', utilization >= 0.9),
        goal('requestsPerPushedRecord', '<= 1.05', perRecord <= 1.05),
        accountedGoal(counted),
      ],
    },
  };
}

/** Scenario 3: a run right after another with nothing changed on either side. */
export async function noopRerun(
  stack: BenchStack,
  worker: BenchWorker,
  accountId: string,
  entityTypes: EntityType[],
  after: string,
): Promise<ScenarioResult> {
  const run = await measuredRun(stack, worker, accountId, entityTypes);
  return {
    scenario: `noop-rerun-after-${after}`,
    putRequests: run.requests.put,
    getRequests: run.requests.get,
    authRequests: run.requests.auth,
    fieldServiceWrites: run.mongo.recordWrites,
    writesByCollection: run.mongo.writesByCollection,
    mongoCommands: run.mongo.commands,
    wallSeconds: run.wallSeconds,
    ...runFacts(run),
    goals: [
      goal('putRequests', '== 0', run.requests.put === 0),
      goal('fieldServiceWrites', '== 0', run.mongo.recordWrites === 0),
    ],
  };
}

/** Scenario 2: a bulk first pull of Acumatica's records into an empty account, unthrottled. */
export async function bulkPull(
  stack: BenchStack,
  p: Profile,
  worker: BenchWorker,
): Promise<{ result: ScenarioResult; accountId: string }> {
  stack.emulator.admin.reset();
  stack.emulator.admin.setLimits({ maxRequestsPerMinute: 0, maxConcurrentRequests: 0 });
  const seeded = stack.emulator.admin.seed(pullSeed(p.pullRecords, 7));
  const account = await stack.createAccount('bench bulk pull', PULL_ACCOUNT_SETTINGS);
  const run = await measuredRun(stack, worker, account.id, PULL_TYPES);
  const pulled = run.summary.totals.pulled;
  const perRecord = run.requests.total / Math.max(1, pulled);
  const counted = accounting(seededFor(seeded, PULL_TYPES), run.summary);
  return {
    accountId: account.id,
    result: {
      scenario: 'bulk-pull',
      seededByEntity: seeded,
      ...counted,
      requests: run.requests.total,
      requestsByEntity: run.counters,
      pageSize: p.pageSize,
      wallSeconds: run.wallSeconds,
      recordsPerSecond: round(pulled / run.wallSeconds, 1),
      requestsPerPulledRecord: round(perRecord, 4),
      // Measured by driver command monitoring in the worker: write statements to record collections.
      mongoWritesPerPulledRecord: round(run.mongo.recordWrites / Math.max(1, pulled)),
      // Write batching: write commands to record collections, and records written per command.
      mongoRecordWriteCommands: run.mongo.recordWriteCommands,
      pulledRecordsPerWriteCommand: round(pulled / Math.max(1, run.mongo.recordWriteCommands), 1),
      mongoCommandsPerPulledRecord: round(run.mongo.commands / Math.max(1, pulled)),
      ...runFacts(run),
      goals: [goal('requestsPerPulledRecord', '<= 0.01', perRecord <= 0.01), accountedGoal(counted)],
    },
  };
}
