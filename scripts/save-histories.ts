/**
 * `npm run histories:save -- --label <name> [--from <commit>]`: records fresh workflow histories for the
 * replay test (test/fixtures/histories/README.md says when and how) by running scripts/record-histories.ts
 * through the test harness, which starts and stops a private FerretDB and Temporal dev server.
 *   --label   kebab-case suffix of the saved files, e.g. `after-throttled-progress-reports`
 *   --from    record with the workflows of this commit (e.g. the one before a patch) instead of this tree's
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from './tools';

function main(): Promise<number> {
  const { values } = parseArgs({
    options: { label: { type: 'string' }, from: { type: 'string' } },
    strict: true,
  });
  if (!values.label || !/^[a-z0-9-]+$/.test(values.label)) {
    console.error('usage: npm run histories:save -- --label <kebab-case name> [--from <commit>]');
    return Promise.resolve(2);
  }
  const env: NodeJS.ProcessEnv = { ...process.env, FSAC_HISTORIES_LABEL: values.label };
  if (values.from) env.FSAC_HISTORIES_FROM = values.from;
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(projectRoot, 'scripts', 'test.ts'), join('scripts', 'record-histories.ts')],
      { cwd: projectRoot, env, stdio: 'inherit' },
    );
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

main()
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
