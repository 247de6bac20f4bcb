/**
 * Scenario 5: throughput, CPU and store commands per record as the collections grow (10k, 50k and 100k
 * records in the full profile), and whether every seeded record is accounted for.
 */
import type { EntityType } from '../core/entities';
import { createPushData, mixTotal, pushMix } from './fixtures';
import { accounting, cpuPerRecord, historyStats, round, type Accounting } from './measure';
import type { BenchStack } from './stack';

import {
  goal,
  measuredRun,
  PULL_ACCOUNT_SETTINGS,
  PULL_TYPES,
  pullSeed,
  PUSH_TYPES,
  seededFor,
  UNLIMITED_RPM,
  type Profile,
  type ScenarioResult,
} from './scenarios';

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
