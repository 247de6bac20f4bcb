/**
 * The workflow code the worker runs, as one webpack bundle. Bundling takes tens of seconds of CPU, so
 * `npm run workflows:bundle` prebuilds it into `.data/build/` with a digest of the sources it came from;
 * {@link loadWorkflowBundle} uses that file only while the digest still matches and bundles afresh
 * otherwise, so a stale bundle never runs (docs/decisions/0009-prebuilt-workflow-bundle.md).
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundle } from '@temporalio/worker';

const root = join(__dirname, '..');
const BUNDLE_FILE = join(root, '.data', 'build', 'workflows.js');
const DIGEST_FILE = join(root, '.data', 'build', 'workflows.digest');
/** What the bundle is built from: the workflows, the pure code they import, and the locked SDK version. */
const SOURCES = ['workflows', 'core', join('activities', 'types.ts'), 'package-lock.json'];

/** The files at `path` (itself, or every file under it), sorted; none when it does not exist. */
function filesAt(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .flatMap((e) => filesAt(join(path, e.name)))
    .sort();
}

/** Writes `content` beside `file`, then renames it over `file` (atomic on one file system). */
function replaceFile(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}

/** Hash of every source file the bundle is built from (paths and contents). */
export function workflowSourcesDigest(workflowsRoot = root): string {
  const hash = createHash('sha256');
  for (const source of SOURCES) {
    for (const file of filesAt(join(workflowsRoot, source))) {
      hash.update(relative(workflowsRoot, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

/** Bundles the workflows of `workflowsRoot` (this tree by default; the history recorder passes an older one). */
export async function buildWorkflowBundle(workflowsRoot = root): Promise<WorkflowBundle> {
  return bundleWorkflowCode({
    workflowsPath: require.resolve(join(workflowsRoot, 'workflows')),
    logger: new DefaultLogger('WARN'),
  });
}

/** Builds the bundle and writes it with its sources' digest; returns the bundle file's path. */
export async function saveWorkflowBundle(): Promise<string> {
  const digest = workflowSourcesDigest();
  const bundle = await buildWorkflowBundle();
  mkdirSync(dirname(BUNDLE_FILE), { recursive: true });
  // The digest goes first and comes back last, and each file is replaced by a rename: a reader (another
  // `npm test` in this tree) sees a whole bundle or none, and a bundle without its digest is not used.
  rmSync(DIGEST_FILE, { force: true });
  replaceFile(BUNDLE_FILE, bundle.code);
  replaceFile(DIGEST_FILE, digest);
  return BUNDLE_FILE;
}

/** Whether the prebuilt bundle exists and was built from the current sources. */
function prebuiltIsCurrent(): boolean {
  return (
    existsSync(BUNDLE_FILE) &&
    existsSync(DIGEST_FILE) &&
    readFileSync(DIGEST_FILE, 'utf8') === workflowSourcesDigest()
  );
}

/**
 * Saves the bundle unless the prebuilt one is current: `npm test` and `npm start` call it once, so their
 * test files and worker processes load the bundle instead of each building its own.
 */
export async function ensureWorkflowBundle(): Promise<{ file: string; built: boolean }> {
  if (prebuiltIsCurrent()) return { file: BUNDLE_FILE, built: false };
  return { file: await saveWorkflowBundle(), built: true };
}

/**
 * The prebuilt bundle when it was built from the current sources, else a fresh one (not saved: a worker
 * never writes into the tree). `prebuilt` says which, for the start-up log.
 */
export async function loadWorkflowBundle(): Promise<{ bundle: WorkflowBundle; prebuilt: boolean }> {
  if (prebuiltIsCurrent()) return { bundle: { code: readFileSync(BUNDLE_FILE, 'utf8') }, prebuilt: true };
  return { bundle: await buildWorkflowBundle(), prebuilt: false };
}
