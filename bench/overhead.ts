/**
 * Scenario 4: what the connector costs around each Acumatica request (the overhead ratio against a bare
 * PUT loop, at zero and at an added latency), with CPU per record and the worker's profile.
 */
import { join } from 'node:path';
import { buildPuts, runBaseline } from './baseline';
import { createPushData, mixTotal, pushMix } from './fixtures';
import { summariseProfile } from './profile';
import { cpuPerRecord, round } from './measure';
import type { BenchStack } from './stack';

import {
  goal,
  measuredRun,
  PUSH_TYPES,
  runFacts,
  UNLIMITED_RPM,
  type Profile,
  type ScenarioResult,
} from './scenarios';

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
