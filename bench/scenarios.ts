/**
 * The benchmark scenarios. Each returns one machine-readable result with its goals; none asserts anything.
 * Sizes come from the profile (`full` or `quick`).
 */
import { join } from 'node:path';
import type { EntityType } from '../core/entities';
import { ENTITIES, ENTITY_TYPES } from '../core/entities';
import type { SeedCounts } from '../emulator';
import { recordCollectionName } from '../store';
import { buildPuts, runBaseline } from './baseline';
import { createPushData, mixTotal, pushMix } from './fixtures';
import { summariseProfile } from './profile';
import type { TenantsProfile } from './tenants';
import type { MongoCounters } from './ipc';
import {
  accounting,
  counterDelta,
  cpuPerRecord,
  cpuSnapshot,
  entityRequests,
  historyStats,
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
const accountedGoal = (a: Accounting): Goal =>
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
async function measuredRun(
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

function runFacts(run: RunMeasure): Record<string, unknown> {
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

/**
 * Acumatica's answer time in scenario 4. The emulator answers in well under a millisecond, which no
 * Acumatica instance does (a PUT typically takes 100 ms to a second); at zero latency the ratio measures
 * MongoDB and Temporal against nothing. Both sides get the same added latency, so the ratio shows what
 * the connector adds around each request. The zero-latency figures are reported as well.
 */
export const OVERHEAD_LATENCY_MS = 50;

/** Where the zero-latency run writes the worker's `.cpuprofile` (git-ignored; open it in Chrome DevTools). */
const PROFILE_DIR = join(__dirname, 'results', 'profiles');

/** One side of the overhead comparison: the sync's wall time and the plain loop's, at one latency. */
async function overheadAt(stack: BenchStack, p: Profile, latencyMs: number, profileFile?: string) {
  const concurrency = p.licence.concurrent;
  stack.emulator.admin.reset();
  stack.emulator.admin.setLimits({ maxRequestsPerMinute: 0, maxConcurrentRequests: 0 });
  const latency = latencyMs > 0 ? { latency: { ms: latencyMs } } : {};
  const account = await stack.createAccount(`bench overhead ${latencyMs} ms`);
  const mix = pushMix(p.pushRecords);
  await createPushData(stack.store, account.id, mix);
  const worker = await stack.startWorker({
    requestsPerMinute: UNLIMITED_RPM,
    maxConcurrent: concurrency,
    pageSize: p.pageSize,
  });
  try {
    stack.emulator.admin.setFaults(latency);
    if (profileFile) await worker.startProfile();
    const run = await measuredRun(stack, worker, account.id, PUSH_TYPES);
    let profile = null;
    if (profileFile) {
      await worker.stopProfile(profileFile);
      profile = summariseProfile(profileFile);
    }
    const puts = await buildPuts(stack.store, account.id);
    await stack.store.accounts.delete(account.id);
    stack.emulator.admin.reset();
    stack.emulator.admin.setFaults(latency);
    const baseline = await runBaseline(stack.emulator.url, puts, concurrency);
    return { run, baseline, records: mixTotal(mix), profile };
  } finally {
    stack.emulator.admin.setFaults({});
    await worker.stop();
  }
}

/**
 * Scenario 4: the push without limits against a plain undici loop sending the same PUTs at the same
 * concurrency to the same emulator, at a realistic Acumatica answer time and at none.
 */
export async function unthrottledOverhead(stack: BenchStack, p: Profile): Promise<ScenarioResult> {
  const { run, baseline, records } = await overheadAt(stack, p, OVERHEAD_LATENCY_MS);
  const bare = await overheadAt(
    stack,
    p,
    0,
    join(
      PROFILE_DIR,
      `${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}-zero-latency-push.cpuprofile`,
    ),
  );
  const ratio = run.wallSeconds / baseline.seconds;
  const bareRatio = bare.run.wallSeconds / bare.baseline.seconds;
  const pushed = run.summary.totals.pushed;
  return {
    scenario: 'unthrottled-overhead',
    concurrency: p.licence.concurrent,
    records,
    acumaticaLatencyMs: OVERHEAD_LATENCY_MS,
    pushed,
    syncRequests: run.requests.total,
    syncWallSeconds: run.wallSeconds,
    baselineRequests: baseline.requests,
    baselineFailed: baseline.failed,
    baselineWallSeconds: round(baseline.seconds, 2),
    syncRecordsPerSecond: round(pushed / run.wallSeconds, 1),
    baselineRequestsPerSecond: round(baseline.requests / baseline.seconds, 1),
    overheadRatio: round(ratio),
    // Wall time the sync adds per pushed record, beyond the plain loop's.
    extraMsPerRecord: round(((run.wallSeconds - baseline.seconds) * 1000) / Math.max(1, pushed), 2),
    zeroLatency: {
      pushed: bare.run.summary.totals.pushed,
      syncWallSeconds: bare.run.wallSeconds,
      baselineWallSeconds: round(bare.baseline.seconds, 2),
      overheadRatio: round(bareRatio),
      syncRecordsPerSecond: round(bare.run.summary.totals.pushed / bare.run.wallSeconds, 1),
      // Where the time goes with nothing to wait for: CPU per pushed record of each process, and the
      // worker's MongoDB commands per record (driver command monitoring).
      cpuMsPerRecord: cpuPerRecord(
        bare.run.cpu.after,
        bare.run.cpu.before,
        Math.max(1, bare.run.summary.totals.pushed),
      ),
      mongoCommandsPerPushedRecord: round(
        bare.run.mongo.commands / Math.max(1, bare.run.summary.totals.pushed),
        2,
      ),
      mongoCommandsByName: bare.run.mongo.byName,
      // The worker's V8 CPU profile of this run alone: self time by function and by package.
      workerProfile: bare.profile,
    },
    mongoCommandsPerPushedRecord: round(run.mongo.commands / Math.max(1, pushed), 2),
    ...runFacts(run),
    goals: [goal('overheadRatio', `<= 1.3 (Acumatica answering in ${OVERHEAD_LATENCY_MS} ms)`, ratio <= 1.3)],
  };
}

/** One direction at one scale point: its accounting, rate and history. */
type ScaleLeg = Accounting & {
  wallSeconds: number;
  recordsPerSecond: number;
  /** CPU milliseconds per record of each process (the bench's own includes the in-process emulator). */
  cpuMsPerRecord: ReturnType<typeof cpuPerRecord>;
  mongoCommandsPerRecord: number;
  mongoCommandsByName: Record<string, number>;
  historyEventsPerRecord: number;
  largestHistory: number;
  executions: number;
};

interface ScalePoint {
  records: number;
  push: ScaleLeg;
  pull: ScaleLeg;
  peakRssMiB: number;
}

async function scaleLeg(
  stack: BenchStack,
  run: Awaited<ReturnType<typeof measuredRun>>,
  seeded: number,
  types: EntityType[],
): Promise<ScaleLeg> {
  const history = await historyStats(stack.temporal, run.workflowId, types);
  const counted = accounting(seeded, run.summary);
  // Records/s counts every record the run dealt with, so a skipped or unchanged record is not a lost one.
  const handled = seeded - counted.failed;
  return {
    ...counted,
    wallSeconds: run.wallSeconds,
    recordsPerSecond: round(handled / run.wallSeconds, 1),
    cpuMsPerRecord: cpuPerRecord(run.cpu.after, run.cpu.before, seeded),
    mongoCommandsPerRecord: round(run.mongo.commands / Math.max(1, seeded), 2),
    mongoCommandsByName: run.mongo.byName,
    historyEventsPerRecord: round(history.totalEvents / Math.max(1, seeded), 4),
    largestHistory: history.largestHistory,
    executions: history.executions,
  };
}

/**
 * Deletes a scale account after its measurement. On FerretDB, deleting more than ~32,000 records of one
 * type in one command fails ("too many SQL variables"): that is reported, and the records stay, rather than
 * losing the measurements already made.
 */
async function dropAccount(stack: BenchStack, accountId: string): Promise<void> {
  try {
    await stack.store.accounts.delete(accountId);
  } catch (err) {
    stack.log(`could not delete ${accountId} after measuring it: ${(err as Error).message}`);
  }
}

async function scalePoint(stack: BenchStack, p: Profile, records: number): Promise<ScalePoint> {
  const worker = await stack.startWorker({
    requestsPerMinute: UNLIMITED_RPM,
    maxConcurrent: p.licence.concurrent,
    pageSize: p.pageSize,
  });
  try {
    stack.emulator.admin.reset();
    stack.emulator.admin.setLimits({ maxRequestsPerMinute: 0, maxConcurrentRequests: 0 });
    const pushAccount = await stack.createAccount(`bench scale push ${records}`);
    const mix = pushMix(records);
    stack.log(`scale ${records}: creating and marking ${mixTotal(mix)} records`);
    await createPushData(stack.store, pushAccount.id, mix);
    stack.log(`scale ${records}: pushing`);
    const pushRun = await measuredRun(stack, worker, pushAccount.id, PUSH_TYPES);
    const push = await scaleLeg(stack, pushRun, mixTotal(mix), PUSH_TYPES);
    await dropAccount(stack, pushAccount.id);

    stack.emulator.admin.reset();
    const seeded = stack.emulator.admin.seed(pullSeed(records, 11));
    stack.log(`scale ${records}: pulling`);
    const pullAccount = await stack.createAccount(`bench scale pull ${records}`, PULL_ACCOUNT_SETTINGS);
    const pullRun = await measuredRun(stack, worker, pullAccount.id, PULL_TYPES);
    const pull = await scaleLeg(stack, pullRun, seededFor(seeded, PULL_TYPES), PULL_TYPES);
    await dropAccount(stack, pullAccount.id);
    return { records, push, pull, peakRssMiB: round(worker.peakRssBytes() / 2 ** 20, 1) };
  } finally {
    await worker.stop();
  }
}

/**
 * Scenario 5: push and pull at each of the profile's volumes, each volume in a fresh worker process.
 * `scaleThroughputRatio` is records/s at the largest volume ÷ records/s at the smallest: 1 when a page
 * costs the same however large the collection has grown.
 */
export async function scale(stack: BenchStack, p: Profile): Promise<ScenarioResult> {
  const points: ScalePoint[] = [];
  for (const records of p.scale) points.push(await scalePoint(stack, p, records));
  const small = points[0]!;
  const large = points[points.length - 1]!;
  const growth = large.peakRssMiB / small.peakRssMiB - 1;
  const legs = points.flatMap((pt) => [pt.push, pt.pull]);
  const perRecord = Math.max(...legs.map((l) => l.historyEventsPerRecord));
  const ratio = {
    push: round(large.push.recordsPerSecond / small.push.recordsPerSecond),
    pull: round(large.pull.recordsPerSecond / small.pull.recordsPerSecond),
  };
  // On a shared machine the rate moves with the neighbours' load; CPU per record does not: a flat sync
  // spends the same CPU on a record at every size (≈ 1).
  const cpuRatio = {
    push: round(large.push.cpuMsPerRecord.total / small.push.cpuMsPerRecord.total),
    pull: round(large.pull.cpuMsPerRecord.total / small.pull.cpuMsPerRecord.total),
  };
  const accounted = legs.every((l) => l.accounted);
  return {
    scenario: 'scale',
    points,
    scaleThroughputRatio: ratio,
    scaleCpuPerRecordRatio: cpuRatio,
    accounted,
    peakRssGrowth: round(growth),
    maxHistoryEventsPerRecord: perRecord,
    largestHistory: Math.max(...legs.map((l) => l.largestHistory)),
    goals: [
      goal('peakRssGrowth', '< 0.20', growth < 0.2),
      goal('historyEventsPerRecord', '<= 0.05', perRecord <= 0.05),
      goal('scaleThroughputRatio.push', '>= 0.8', ratio.push >= 0.8),
      goal('scaleThroughputRatio.pull', '>= 0.8', ratio.pull >= 0.8),
      goal(
        'accounted',
        'every push and pull: pushed + pulled + unchanged + skipped + failed == seeded',
        accounted,
      ),
    ],
  };
}
