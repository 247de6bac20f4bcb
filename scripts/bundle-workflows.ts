/**
 * `npm run workflows:bundle`: prebuilds the workflow bundle the worker, the tests and the replay test load
 * (worker/workflow-bundle.ts), so they skip bundling at start-up while `workflows/` and `core/` are unchanged.
 */
import { relative } from 'node:path';
import { saveWorkflowBundle } from '../worker/workflow-bundle';
import { projectRoot } from './tools';

async function main(): Promise<void> {
  const started = Date.now();
  const file = await saveWorkflowBundle();
  console.log(
    `workflow bundle written to ${relative(projectRoot, file)} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
