/**
 * `npm test`: installs what is missing, starts a private stack (FerretDB and a headless Temporal dev server on
 * free ports, with data in .data/test so it never clashes with a running `npm start`), runs every test file
 * with node's test runner, stops the stack, and fails if no test ran.
 *   npm test                       all tests
 *   npm test -- --unit             unit tests only (no stack)
 *   npm test -- --integration      integration tests only
 *   npm test -- test/unit/x.test.ts   the given files
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, mkdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureWorkflowBundle } from '../worker/workflow-bundle';
import { ensureTools, projectRoot, ToolError } from './tools';
import { freePort, mongoUrl, Stack, StackError, startFerretDB, startTemporal } from './stack';

function findTests(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? findTests(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
    )
    .sort();
}

async function main(): Promise<number> {
  const { values, positionals: explicit } = parseArgs({
    options: { unit: { type: 'boolean', default: false }, integration: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const unitOnly = values.unit;
  const integrationOnly = values.integration;
  const files =
    explicit.length > 0
      ? explicit.flatMap((f) => {
          const path = join(projectRoot, f);
          return existsSync(path) && statSync(path).isDirectory() ? findTests(path) : [path];
        })
      : [
          ...(integrationOnly ? [] : findTests(join(projectRoot, 'test', 'unit'))),
          ...(unitOnly ? [] : findTests(join(projectRoot, 'test', 'integration'))),
        ];
  if (files.length === 0) {
    console.error('error: no test files found');
    return 1;
  }
  const needsStack = files.some((f) => !relative(projectRoot, f).startsWith(join('test', 'unit')));

  // One folder per run, so two `npm test` at once (or beside `npm start`) never share data.
  const runDir = join(projectRoot, '.data', 'test', String(process.pid));
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    FSAC_TEST_DATA_DIR: runDir,
  };
  const stack = new Stack();
  stack.stopOnSignals(130);

  if (needsStack) {
    const started = Date.now();
    const tools = await ensureTools();
    const [mongoPort, temporalPort] = [await freePort(), await freePort()];
    stack.add(
      await startFerretDB({
        binary: tools.ferretdb,
        port: mongoPort,
        dataDir: join(runDir, 'ferretdb'),
        logFile: join(runDir, 'logs', 'ferretdb.log'),
      }),
    );
    stack.add(
      await startTemporal({
        binary: tools.temporal,
        port: temporalPort,
        uiPort: null,
        dbFile: join(runDir, 'temporal.db'),
        logFile: join(runDir, 'logs', 'temporal.log'),
      }),
    );
    Object.assign(env, {
      MONGODB_URL: mongoUrl(mongoPort),
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_CLI_PATH: tools.temporal,
      FERRETDB_PATH: tools.ferretdb,
    });
    console.log(
      `test stack ready in ${((Date.now() - started) / 1000).toFixed(1)}s (FerretDB :${mongoPort}, Temporal :${temporalPort})`,
    );
  }

  // Built once here when the workflows changed, so the test processes load it instead of each bundling.
  const replays = files.some((f) => relative(projectRoot, f).startsWith(join('test', 'unit', 'workflows')));
  if (needsStack || replays) {
    const started = Date.now();
    const { built } = await ensureWorkflowBundle();
    if (built) console.log(`workflow bundle built in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }

  const tapFile = join(runDir, 'results.tap');
  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-concurrency=2',
        '--test-timeout=600000',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=tap',
        `--test-reporter-destination=${tapFile}`,
        ...files,
      ],
      { cwd: projectRoot, env, stdio: 'inherit' },
    );
    child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0)));
  });
  await stack.stopAll();

  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
  const [passed, failed, skipped] = [count('pass'), count('fail'), count('skipped')];
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  // Keep the logs of a failed run for inspection; a clean run leaves nothing behind.
  if (code === 0 && failed === 0) rmSync(runDir, { recursive: true, force: true });
  if (passed === 0) {
    console.error('error: no test was executed');
    return 1;
  }
  return code !== 0 || failed > 0 ? 1 : 0;
}

main()
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    console.error(
      `error: ${err instanceof ToolError || err instanceof StackError ? err.message : (err as Error).stack}`,
    );
    process.exit(1);
  });
