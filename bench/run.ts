/**
 * `npm run bench [-- --quick] [-- --save] [-- --only <scenario>]`: runs the performance scenarios against a
 * private dev stack it starts itself, prints one JSON line per scenario on stdout, then a summary line.
 * Progress goes to stderr. `--save` also writes every line to `bench/results/<date>.json`; `--only` runs
 * one group (push, pull, unthrottled, scale, notifications, tenants); `--scale 10000,100000` replaces the
 * scale scenario's volumes; `--tenants 40` the many-tenants scenario's number of accounts. Benchmarks
 * measure; they assert nothing.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  bulkPull,
  initialPush,
  noopRerun,
  PROFILES,
  PULL_TYPES,
  PUSH_TYPES,
  UNLIMITED_RPM,
  type ScenarioResult,
} from './scenarios';
import { notifications } from './notifications';
import { unthrottledOverhead } from './overhead';
import { scale } from './scale';
import { manyTenants } from './tenants';
import { startBenchStack } from './stack';

const GROUPS = ['push', 'pull', 'unthrottled', 'scale', 'notifications', 'tenants'] as const;
type Group = (typeof GROUPS)[number];

/** `--scale 10000,100000`: the scale scenario's volumes instead of the profile's, smallest first. */
function scalePoints(arg: string): number[] {
  const points = arg.split(',').map((p) => Number(p.trim()));
  if (points.length < 2 || points.some((p) => !Number.isInteger(p) || p < 1)) {
    throw new Error(`--scale must be two or more whole numbers of records, comma-separated, not ${arg}`);
  }
  return points.sort((a, b) => a - b);
}

/** `--tenants 40`: the many-tenants scenario's number of accounts instead of the profile's. */
function tenantAccounts(arg: string): number {
  const n = Number(arg.trim());
  if (!Number.isInteger(n) || n < 2 || n > 500) {
    throw new Error(`--tenants must be a whole number of accounts from 2 to 500, not ${arg}`);
  }
  return n;
}

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

async function main(): Promise<void> {
  // Unknown arguments are refused (strict), naming the argument.
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      save: { type: 'boolean', default: false },
      only: { type: 'string' },
      scale: { type: 'string' },
      tenants: { type: 'string' },
    },
    strict: true,
  });
  if (values.only !== undefined && !GROUPS.includes(values.only as Group)) {
    throw new Error(`--only must be one of ${GROUPS.join('|')}, not ${values.only}`);
  }
  const only = (values.only as Group | undefined) ?? null;
  const want = (group: Group) => only === null || only === group;
  const base = PROFILES[values.quick ? 'quick' : 'full'];
  const profile = {
    ...base,
    ...(values.scale === undefined ? {} : { scale: scalePoints(values.scale) }),
    ...(values.tenants === undefined
      ? {}
      : { tenants: { ...base.tenants, accounts: tenantAccounts(values.tenants) } }),
  };
  const dir = join(tmpdir(), `fsac-bench-${process.pid}`);
  const started = Date.now();
  const stack = await startBenchStack(dir, log);
  const results: ScenarioResult[] = [];
  const env = stack.env;
  const emit = (result: ScenarioResult) => {
    const line = { ...result, profile: profile.name, machine: env.machine, versions: env.versions };
    results.push(line);
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  const stop = () => {
    log('interrupted: stopping the stack');
    void stack.close().then(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    if (want('push')) {
      log(
        `profile ${profile.name}: scenario 1, initial push of ${profile.pushRecords} records at ${profile.licence.requestsPerMinute}/min`,
      );
      const push = await initialPush(stack, profile);
      emit(push.result);
      log('scenario 3a, no-op re-run after the push');
      emit(await noopRerun(stack, push.worker, push.accountId, PUSH_TYPES, 'push'));
      await push.worker.stop();
      // Each scenario starts from empty record collections, so its figures are its own.
      await stack.store.accounts.delete(push.accountId);
    }
    if (want('pull')) await pullScenarios();
    if (want('unthrottled')) {
      log('scenario 4, unthrottled push against a plain undici loop');
      emit(await unthrottledOverhead(stack, profile));
    }
    if (want('scale')) {
      log(`scenario 5, scale at ${profile.scale.join(', ')} records`);
      emit(await scale(stack, profile));
    }
    if (want('notifications')) {
      const n = profile.notifications;
      log(`scenario 6, ${n.edits} ERP edits at ${n.perSecond}/s with push notifications, then by polling`);
      emit(await notifications(stack, profile));
    }
    if (want('tenants')) {
      const t = profile.tenants;
      log(`scenario 7, ${t.accounts} accounts of ${t.minRecords}–${t.maxRecords} records on one worker`);
      emit(await manyTenants(stack, profile));
    }
  } finally {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }

  async function pullScenarios(): Promise<void> {
    log(`scenario 2, bulk pull of ${profile.pullRecords} records`);
    const pullWorker = await stack.startWorker({
      requestsPerMinute: UNLIMITED_RPM,
      maxConcurrent: profile.licence.concurrent,
      pageSize: profile.pageSize,
    });
    const pull = await bulkPull(stack, profile, pullWorker);
    emit(pull.result);
    log('scenario 3b, no-op re-run after the pull');
    emit(await noopRerun(stack, pullWorker, pull.accountId, PULL_TYPES, 'pull'));
    await pullWorker.stop();
    await stack.store.accounts.delete(pull.accountId);
  }
  const goals = results.flatMap((r) => r.goals.map((g) => ({ ...g, scenario: r.scenario })));
  const summary = {
    summary: true,
    profile: profile.name,
    scenarios: results.length,
    goals: goals.length,
    goalsMet: goals.filter((g) => g.met).length,
    goalsMissed: goals.filter((g) => !g.met).map((g) => `${g.scenario}.${g.name}`),
    totalSeconds: Math.round((Date.now() - started) / 1000),
    machine: env.machine,
    versions: env.versions,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  if (values.save) {
    const out = join(__dirname, 'results');
    mkdirSync(out, { recursive: true });
    const file = join(
      out,
      `${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}-${profile.name}${only ? `-${only}` : ''}.json`,
    );
    writeFileSync(file, `${JSON.stringify({ results, summary }, null, 2)}\n`);
    log(`saved ${file}`);
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
