// Entry for every npm script that needs the project's dependencies, on a machine that may have nothing
// installed yet. Plain JavaScript on purpose: it runs before node_modules exists. It installs the npm
// dependencies when package-lock.json changed since the last install, then hands over to the TypeScript
// script (via tsx) or to the tool the command names.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [command = 'start', ...args] = process.argv.slice(2);
/** TypeScript entry points, run with the arguments given after the command. */
const scripts = {
  start: 'scripts/start.ts',
  test: 'scripts/test.ts',
  tools: 'scripts/tools.ts',
  faults: 'scripts/faults.ts',
  bench: 'bench/run.ts',
  emulator: 'emulator/main.ts',
  'emulator:fidelity': 'emulator/fidelity.ts',
  worker: 'worker/main.ts',
  api: 'api/server.ts',
  'histories:save': 'scripts/save-histories.ts',
  'workflows:bundle': 'scripts/bundle-workflows.ts',
  'console:build': 'console/build.ts',
};
/** Tools from node_modules/.bin, run one after the other; the arguments given go to the last one. */
const tools = {
  lint: [
    ['eslint', '.'],
    ['prettier', '--check', '.'],
  ],
  format: [['prettier', '--write', '.']],
  typecheck: [
    ['tsc', '--noEmit', '-p', 'tsconfig.json'],
    ['tsc', '--noEmit', '-p', 'console/tsconfig.json'],
  ],
  build: [
    ['tsc', '-p', 'tsconfig.build.json'],
    ['tsx', 'console/build.ts'],
  ],
};

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

if (!scripts[command] && !tools[command])
  fail(
    `unknown command "${command}" (expected one of ${[...Object.keys(scripts), ...Object.keys(tools)].join(', ')})`,
  );
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 18))
  fail(`Node.js >= 20.18 is required, found ${process.versions.node}`);

function ensureNodeModules() {
  const lock = join(root, 'package-lock.json');
  if (!existsSync(lock)) fail('package-lock.json is missing; restore it from git');
  const want = createHash('sha256').update(readFileSync(lock)).digest('hex');
  const stamp = join(root, 'node_modules', '.fsac-lock-hash');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  console.log('installing npm dependencies (npm ci)...');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.error) fail(`could not run npm (${result.error.message}); install Node.js 20 with npm`);
  if (result.status !== 0) fail('npm ci failed; check that the npm registry is reachable (npm ping)');
  mkdirSync(join(root, 'node_modules'), { recursive: true });
  writeFileSync(stamp, want);
}

ensureNodeModules();
if (tools[command]) {
  const steps = tools[command];
  for (const [i, [bin, ...toolArgs]] of steps.entries()) {
    const extra = i === steps.length - 1 ? args : [];
    const result = spawnSync(join(root, 'node_modules', '.bin', bin), [...toolArgs, ...extra], {
      cwd: root,
      stdio: 'inherit',
    });
    if (result.error) fail(`could not run ${bin} (${result.error.message})`);
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
  process.exit(0);
}
const child = spawn(process.execPath, ['--import', 'tsx', join(root, scripts[command]), ...args], {
  cwd: root,
  stdio: 'inherit',
});
// The TypeScript script owns shutdown; forward signals and mirror its exit code.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
