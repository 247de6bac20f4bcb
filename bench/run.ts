/**
 * `npm run bench [-- --quick] [-- --save]`: runs the performance scenarios against a private dev stack it
 * starts itself, prints one JSON line per scenario on stdout, then a summary line. Progress goes to stderr.
 * `--save` also writes every line to `bench/results/<date>.json`. Benchmarks measure; they assert nothing.
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
  scale,
  UNLIMITED_RPM,
  unthrottledOverhead,
  type ScenarioResult,
} from './scenarios';
import { startBenchStack } from './stack';

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

async function main(): Promise<void> {
  // Unknown arguments are refused (strict), naming the argument.
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, save: { type: 'boolean', default: false } },
    strict: true,
  });
  const profile = PROFILES[values.quick ? 'quick' : 'full'];
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

    log('scenario 4, unthrottled push against a plain undici loop');
    emit(await unthrottledOverhead(stack, profile));

    log(`scenario 5, scale at ${profile.scale.join(' and ')} records`);
    emit(await scale(stack, profile));
  } finally {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
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
      `${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}-${profile.name}.json`,
    );
    writeFileSync(file, `${JSON.stringify({ results, summary }, null, 2)}\n`);
    log(`saved ${file}`);
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
