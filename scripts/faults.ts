/**
 * `npm run test:faults`: runs the fault scenarios (`test/integration/faults/`) through the test harness
 * (`scripts/test.ts`: tools, node's test runner) and ends with one JSON line aggregating their figures:
 *   {"scenarios":N,"passed":P,"duplicates":0,"lost":0,"lostEdits":0,"staleAnswers":0,"recordsChecked":R,
 *    "noisyNeighbourRatio":X}
 * (`noisyNeighbourRatio`: account A's run time while another account's ERP hangs ÷ its time alone; null
 * when that scenario did not run; `lostEdits`/`staleAnswers`: acknowledged API edits missing from the store
 * and API answers that were not the record as stored, from the lost-edits scenario).
 *   npm run test:faults              the quick form (the one `npm test` runs too)
 *   npm run test:faults -- --soak    larger volumes and more kills/restarts per scenario
 *   npm run test:faults -- <files>   only these scenario files
 * Each scenario appends its figures to the results file named by FSAC_FAULTS_RESULTS.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from './tools';

interface Figures {
  scenario: string;
  passed: boolean;
  duplicates: number;
  lost: number;
  recordsChecked: number;
  lostEdits?: number;
  staleAnswers?: number;
  noisyNeighbourRatio?: number;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { soak: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const soak = values.soak;
  // Scenario files to run (default: all of test/integration/faults).
  const files = positionals;
  const dir = join(projectRoot, '.data', 'faults');
  mkdirSync(dir, { recursive: true });
  const resultsFile = join(dir, `results-${process.pid}.jsonl`);
  rmSync(resultsFile, { force: true });

  let output = '';
  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(projectRoot, 'scripts', 'test.ts'),
        ...(files.length > 0 ? files : [join('test', 'integration', 'faults')]),
      ],
      {
        cwd: projectRoot,
        env: { ...process.env, FSAC_FAULTS_RESULTS: resultsFile, FSAC_FAULTS_SOAK: soak ? '1' : '0' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString('utf8');
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => child.kill(signal));
    child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0)));
  });

  const figures: Figures[] = existsSync(resultsFile)
    ? readFileSync(resultsFile, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Figures)
    : [];
  rmSync(resultsFile, { force: true });
  // The runner's own count covers scenarios that failed before they could report figures.
  const counted = /^(\d+) passed, (\d+) failed/m.exec(output);
  const testsPassed = Number(counted?.[1] ?? 0);
  const testsFailed = Number(counted?.[2] ?? 0);
  const sum = (key: 'duplicates' | 'lost' | 'lostEdits' | 'staleAnswers' | 'recordsChecked') =>
    figures.reduce((n, f) => n + (f[key] ?? 0), 0);
  const summary = {
    scenarios: Math.max(figures.length, testsPassed + testsFailed),
    passed: Math.min(figures.filter((f) => f.passed).length, testsPassed),
    duplicates: sum('duplicates'),
    lost: sum('lost'),
    lostEdits: sum('lostEdits'),
    staleAnswers: sum('staleAnswers'),
    recordsChecked: sum('recordsChecked'),
    noisyNeighbourRatio:
      figures.find((f) => f.noisyNeighbourRatio !== undefined)?.noisyNeighbourRatio ?? null,
  };
  console.log(JSON.stringify(summary));
  return code === 0 && summary.passed === summary.scenarios ? 0 : 1;
}

main()
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    console.error(`error: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  });
