/**
 * Measuring one sync run: start it on the bench worker's task queue, wait for its summary, then read the
 * workflow histories of the run and of its entity children (every continue-as-new run included).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { EntityType } from '../core/entities';
import type { RunSummary, SyncRunInput } from '../core/runs';
import type { syncAccount } from '../workflows';

export interface RunMeasure {
  workflowId: string;
  summary: RunSummary;
  wallSeconds: number;
}

/** Starts a run of `accountId` and waits for its summary. */
export async function runSync(
  temporal: Client,
  taskQueue: string,
  input: Omit<SyncRunInput, 'trigger'> & { trigger?: SyncRunInput['trigger'] },
): Promise<RunMeasure> {
  const workflowId = `sync/${input.accountId}/${randomUUID()}`;
  const started = performance.now();
  const handle = await temporal.workflow.start<typeof syncAccount>('syncAccount', {
    taskQueue,
    workflowId,
    args: [{ trigger: 'manual', ...input }],
  });
  const summary = await handle.result();
  return { workflowId, summary, wallSeconds: round((performance.now() - started) / 1000, 2) };
}

export interface HistoryStats {
  /** Workflow executions (the run, its children and their continue-as-new runs). */
  executions: number;
  totalEvents: number;
  largestHistory: number;
}

/**
 * Sums the history lengths of the run and its children `<runId>/<entity>`, every continue-as-new run
 * included. Visibility is eventually consistent: waits (with a deadline) until every run listed is closed.
 */
export async function historyStats(
  temporal: Client,
  workflowId: string,
  entities: readonly EntityType[],
): Promise<HistoryStats> {
  const ids = [workflowId, ...entities.map((e) => `${workflowId}/${e}`)];
  const deadline = Date.now() + 60_000;
  for (;;) {
    const lengths: number[] = [];
    let open = 0;
    for (const id of ids) {
      for await (const execution of temporal.workflow.list({ query: `WorkflowId = "${id}"` })) {
        if (execution.status.name === 'RUNNING') open++;
        lengths.push(execution.historyLength);
      }
    }
    // The run itself must be listed and closed; children that never started are simply absent.
    if ((open === 0 && lengths.length > 0) || Date.now() > deadline) {
      return {
        executions: lengths.length,
        totalEvents: lengths.reduce((a, b) => a + b, 0),
        largestHistory: Math.max(0, ...lengths),
      };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Emulator counters: the change between two snapshots. */
export function counterDelta(
  after: Record<string, number>,
  before: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const d = value - (before[key] ?? 0);
    if (d !== 0) out[key] = d;
  }
  return out;
}

export function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Requests against entity endpoints (auth and admin calls excluded) of a counter delta. */
export function entityRequests(delta: Record<string, number>): {
  total: number;
  put: number;
  get: number;
  auth: number;
} {
  let put = 0;
  let get = 0;
  let auth = 0;
  let total = 0;
  for (const [key, value] of Object.entries(delta)) {
    const [method, what] = key.split(' ');
    if (what === undefined) continue;
    total += value;
    if (what.startsWith('auth/') || what.startsWith('identity/')) auth += value;
    else if (method === 'PUT') put += value;
    else if (method === 'GET') get += value;
  }
  return { total, put, get, auth };
}

/** Where every record of a measured run went, and whether the run's counts add up to what was seeded. */
export interface Accounting {
  seeded: number;
  pushed: number;
  pulled: number;
  unchanged: number;
  skipped: number;
  /** Skipped records by reason, as the run summary counts them. */
  skippedBy: Record<string, number>;
  failed: number;
  /** True iff pushed + pulled + unchanged + skipped + failed equals seeded, and the reasons add up to skipped. */
  accounted: boolean;
}

/** The accounting of a run against the number of records the scenario seeded (or marked for push). */
export function accounting(seeded: number, summary: RunSummary): Accounting {
  const t = summary.totals;
  const skipped = t.skipped ?? 0;
  const skippedBy: Record<string, number> = { ...summary.skippedBy };
  const byReason = Object.values(skippedBy).reduce((a, b) => a + b, 0);
  const sum = t.pushed + t.pulled + t.unchanged + skipped + t.failed;
  return {
    seeded,
    pushed: t.pushed,
    pulled: t.pulled,
    unchanged: t.unchanged,
    skipped,
    skippedBy,
    failed: t.failed,
    accounted: sum === seeded && byReason === skipped,
  };
}

let clockTicks: number | undefined;

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`, 100 on Linux almost everywhere). */
function ticksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicks;
}

/** CPU milliseconds (user + system) a process has used so far, from /proc/<pid>/stat; NaN once it is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state, field 3: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
  } catch {
    return NaN;
  }
}

/** The processes whose CPU time a measurement reads: the worker, the store, Temporal and the bench itself. */
export type CpuProcesses = Record<'worker' | 'ferretdb' | 'temporal' | 'bench', number>;

/** CPU milliseconds of each process so far (the bench's own includes the in-process emulator). */
export function cpuSnapshot(pids: Omit<CpuProcesses, 'bench'>): CpuProcesses {
  const own = process.cpuUsage();
  return {
    worker: cpuMs(pids.worker),
    ferretdb: cpuMs(pids.ferretdb),
    temporal: cpuMs(pids.temporal),
    bench: (own.user + own.system) / 1000,
  };
}

/** CPU milliseconds per record of each process between two snapshots, and their sum. */
export function cpuPerRecord(
  after: CpuProcesses,
  before: CpuProcesses,
  records: number,
): CpuProcesses & { total: number } {
  const per = (k: keyof CpuProcesses) => round((after[k] - before[k]) / Math.max(1, records), 3);
  const out = {
    worker: per('worker'),
    ferretdb: per('ferretdb'),
    temporal: per('temporal'),
    bench: per('bench'),
  };
  return { ...out, total: round(out.worker + out.ferretdb + out.temporal + out.bench, 3) };
}

/** Page activities of a run that needed more than one attempt, and why the attempt before the last failed. */
export interface Retries {
  retriedActivities: number;
  /** The last failure before the successful attempt, by message (e.g. "activity Heartbeat timeout"). */
  lastFailures: Record<string, number>;
}

/** Reads the run's entity children's histories (first run of each) for activities started more than once. */
export async function activityRetries(
  temporal: Client,
  workflowId: string,
  entities: readonly EntityType[],
): Promise<Retries> {
  const out: Retries = { retriedActivities: 0, lastFailures: {} };
  for (const entity of entities) {
    let history;
    try {
      history = await temporal.workflow.getHandle(`${workflowId}/${entity}`).fetchHistory();
    } catch {
      continue; // A child that never started.
    }
    for (const event of history.events ?? []) {
      const started = event.activityTaskStartedEventAttributes;
      if (!started || (started.attempt ?? 1) <= 1) continue;
      out.retriedActivities++;
      const message = started.lastFailure?.message ?? 'unknown';
      out.lastFailures[message] = (out.lastFailures[message] ?? 0) + 1;
    }
  }
  return out;
}
