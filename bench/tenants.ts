/**
 * Scenario 7: many tenants on one worker. Each account has its own emulated Acumatica (its own emulator,
 * so its own licence: requests per minute and concurrent requests) and its own records marked for export;
 * every account's run starts at once on one worker process. Reports the aggregate rate, each account's use
 * of its licence, fairness (slowest ÷ fastest seconds per record), the worker's memory and Temporal history
 * per account. Measures; asserts nothing.
 */
import { startEmulator, type RunningEmulator } from '../emulator';
import { createPushData, mixTotal, pushMix } from './fixtures';
import {
  accounting,
  activityRetries,
  counterDelta,
  cpuPerRecord,
  cpuSnapshot,
  entityRequests,
  historyStats,
  round,
  runSync,
  type Retries,
} from './measure';
import { goal, PUSH_TYPES, type Profile, type ScenarioResult } from './scenarios';
import type { BenchStack } from './stack';

export interface TenantsProfile {
  accounts: number;
  /** Records per account, spread evenly over [min, max] (deterministic). */
  minRecords: number;
  maxRecords: number;
  /** Every account's licence, on its emulator and in the worker's per-account limiter. */
  requestsPerMinute: number;
  concurrent: number;
}

/** Records of account `i` of `n`: evenly spread over the profile's range, largest and smallest included. */
export function tenantRecords(t: TenantsProfile, i: number): number {
  if (t.accounts === 1) return t.maxRecords;
  return Math.round(t.minRecords + ((t.maxRecords - t.minRecords) * i) / (t.accounts - 1));
}

interface TenantOutcome {
  records: number;
  requests: number;
  completionSeconds: number;
  secondsPerRecord: number;
  /** Requests ÷ what the licence allows over the completion time. */
  utilization: number;
  outcome: string;
  accounted: boolean;
  /** The run's counts when they do not add up to the records marked (pushed, unchanged, skipped, failed). */
  counts?: Record<string, number>;
  /** Page activities that needed more than one attempt, and why (only when there were some). */
  retries?: Retries;
  historyEvents: number;
}

/**
 * Sizes the worker for its tenants: a slot per account's share, so no account waits for another's slot; 3,
 * the entity types the push's first phase runs at once (customers, products, services), so none is handed back.
 */
export const TENANT_SHARE = 3;

/** Scenario 7: `accounts` tenants with their own licences, all syncing at once on one worker. */
export async function manyTenants(stack: BenchStack, p: Profile): Promise<ScenarioResult> {
  const t = p.tenants;
  const emulators: RunningEmulator[] = [];
  const accounts: { id: string; records: number; emulator: RunningEmulator }[] = [];
  const worker = await stack.startWorker({
    requestsPerMinute: t.requestsPerMinute,
    maxConcurrent: t.concurrent,
    pageSize: p.pageSize,
    activitySlots: { total: t.accounts * TENANT_SHARE, perAccount: TENANT_SHARE },
  });
  try {
    stack.log(`tenants: ${t.accounts} emulators and accounts, ${t.minRecords}–${t.maxRecords} records each`);
    for (let i = 0; i < t.accounts; i++) {
      const emulator = await startEmulator({
        seed: 'none',
        limits: { maxRequestsPerMinute: t.requestsPerMinute, maxConcurrentRequests: t.concurrent },
      });
      emulators.push(emulator);
      const account = await stack.createAccount(`bench tenant ${i}`, {}, emulator.url);
      const mix = pushMix(tenantRecords(t, i));
      await createPushData(stack.store, account.id, mix);
      accounts.push({ id: account.id, records: mixTotal(mix), emulator });
    }
    const total = accounts.reduce((n, a) => n + a.records, 0);
    stack.log(`tenants: ${total} records marked; every account's run starts now`);
    const pids = { worker: worker.pid, ...stack.pids };
    const cpuBefore = cpuSnapshot(pids);
    const started = performance.now();
    let peakRss = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, worker.rssBytes() || 0);
    }, 1000);
    const runs = await Promise.all(
      accounts.map(async (a) => {
        const before = a.emulator.admin.counters();
        const run = await runSync(stack.temporal, worker.taskQueue, {
          accountId: a.id,
          entityTypes: PUSH_TYPES,
        });
        const completionSeconds = (performance.now() - started) / 1000;
        return {
          a,
          run,
          completionSeconds,
          requests: entityRequests(counterDelta(a.emulator.admin.counters(), before)),
        };
      }),
    );
    clearInterval(sampler);
    const wallSeconds = (performance.now() - started) / 1000;
    const cpu = cpuPerRecord(cpuSnapshot(pids), cpuBefore, total);
    const perSecond = t.requestsPerMinute / 60;
    const tenants: TenantOutcome[] = [];
    for (const { a, run, completionSeconds, requests } of runs) {
      const history = await historyStats(stack.temporal, run.workflowId, PUSH_TYPES);
      const counted = accounting(a.records, run.summary);
      const retries = await activityRetries(stack.temporal, run.workflowId, PUSH_TYPES);
      tenants.push({
        records: a.records,
        requests: requests.total,
        completionSeconds: round(completionSeconds, 2),
        secondsPerRecord: round(completionSeconds / a.records, 4),
        utilization: round(requests.total / perSecond / completionSeconds),
        outcome: run.summary.outcome,
        accounted: counted.accounted,
        ...(counted.accounted
          ? {}
          : {
              counts: {
                pushed: counted.pushed,
                unchanged: counted.unchanged,
                skipped: counted.skipped,
                failed: counted.failed,
              },
            }),
        ...(retries.retriedActivities > 0 ? { retries } : {}),
        historyEvents: history.totalEvents,
      });
    }
    const spr = tenants.map((x) => x.secondsPerRecord);
    const fairness = Math.max(...spr) / Math.min(...spr);
    const utilization = tenants.map((x) => x.utilization);
    const events = tenants.map((x) => x.historyEvents);
    const retried = tenants.reduce((n, x) => n + (x.retries?.retriedActivities ?? 0), 0);
    const succeeded = tenants.filter((x) => x.outcome === 'succeeded').length;
    const accounted = tenants.every((x) => x.accounted);
    // Starved: an account that did not finish, or used under a quarter of what its licence allowed.
    const starved = tenants.filter((x) => x.outcome !== 'succeeded' || x.utilization < 0.25).length;
    const finalRss = worker.peakRssBytes();
    return {
      scenario: 'many-tenants',
      accounts: t.accounts,
      recordsPerAccount: { min: t.minRecords, max: t.maxRecords },
      licencePerAccount: { requestsPerMinute: t.requestsPerMinute, concurrent: t.concurrent },
      workerActivitySlots: { total: t.accounts * TENANT_SHARE, perAccount: TENANT_SHARE },
      records: total,
      wallSeconds: round(wallSeconds, 2),
      aggregateRecordsPerSecond: round(total / wallSeconds, 1),
      // The most the licences allow together: every account at its rate for the whole run.
      aggregateLicenceRequestsPerSecond: round(perSecond * t.accounts, 1),
      succeeded,
      accounted,
      retriedActivities: retried,
      starved,
      fairness: round(fairness),
      secondsPerRecord: { min: Math.min(...spr), max: Math.max(...spr) },
      licenceUtilization: {
        min: Math.min(...utilization),
        median: round(median(utilization)),
        max: Math.max(...utilization),
      },
      workerRssMiB: { peakSampled: round(peakRss / 2 ** 20, 1), peak: round(finalRss / 2 ** 20, 1) },
      historyEventsPerAccount: { min: Math.min(...events), median: median(events), max: Math.max(...events) },
      historyEventsPerRecord: round(events.reduce((x, y) => x + y, 0) / total, 4),
      cpuMsPerRecord: cpu,
      perAccount: tenants,
      goals: [
        goal('fairness', '<= 1.5 (slowest ÷ fastest seconds per record)', fairness <= 1.5),
        goal('starved', '== 0 (every account finished, each used >= 25% of its licence)', starved === 0),
        goal('accounted', 'every account: pushed + unchanged + failed == marked', accounted),
      ],
    };
  } finally {
    await worker.stop();
    for (const a of accounts) await stack.store.accounts.delete(a.id);
    for (const e of emulators) await e.close();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
