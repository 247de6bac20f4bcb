/**
 * Records the histories `test/unit/workflows/replay.test.ts` replays: one real run (pulls and pushes over
 * several pages, a cascade, a rejected record) on the test harness's stack, with the workflows of this tree
 * or of an older commit, saved as `test/fixtures/histories/<workflow>-<label>.json`. Started by
 * `npm run histories:save` (scripts/save-histories.ts), which passes its options in the environment and
 * runs this file through the test harness (scripts/test.ts) so the stack comes and goes with it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { WorkflowBundle } from '@temporalio/worker';
import { createMarked, customerInput, invoiceInput, productInput } from '../test/helpers/records';
import { openSyncStack } from '../test/helpers/sync-env';
import { buildWorkflowBundle, loadWorkflowBundle } from '../worker/workflow-bundle';
import { projectRoot } from './tools';

const FIXTURES = join(projectRoot, 'test', 'fixtures', 'histories');
const label = process.env.FSAC_HISTORIES_LABEL;
const from = process.env.FSAC_HISTORIES_FROM;

const git = (...args: string[]): string =>
  execFileSync('git', args, { cwd: projectRoot, encoding: 'utf8' }).trim();

/** The workflows of `commit`, extracted beside the tree (so they resolve this tree's node_modules) and bundled. */
async function bundleOf(commit: string): Promise<WorkflowBundle> {
  const dir = join(projectRoot, '.data', 'histories', commit);
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync('git', ['archive', commit, 'workflows', 'core', 'activities/types.ts'], {
    cwd: projectRoot,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  return buildWorkflowBundle(dir);
}

test(`record workflow histories (${label ?? 'no label'})`, async () => {
  assert.ok(label && /^[a-z0-9-]+$/.test(label), 'FSAC_HISTORIES_LABEL: kebab-case, e.g. after-my-patch');
  const commit = from ? git('rev-parse', '--short', from) : git('rev-parse', '--short', 'HEAD');
  const dirty = !from && git('status', '--porcelain', '--', 'workflows', 'core').length > 0;
  const workflowBundle = from ? await bundleOf(commit) : (await loadWorkflowBundle()).bundle;

  const stack = await openSyncStack('record_histories');
  const env = await stack.setup({
    emulator: { seed: { customers: 5, seed: 3 } },
    pageSize: 2,
    settings: { entityTypes: ['customers', 'products', 'invoices'] },
    workflowBundle,
  });
  try {
    const { store, account } = env;
    for (let i = 0; i < 3; i++) await createMarked(store, account.id, 'customers', customerInput());
    // Pushed by cascade: the invoice names a customer and a product nobody marked.
    const customer = await store.records.customers.create(account.id, customerInput());
    const product = await store.records.products.create(account.id, productInput());
    await createMarked(store, account.id, 'invoices', invoiceInput(customer._id, product._id));
    // Rejected by Acumatica: an item it does not know, so the failure path is in the history too.
    await createMarked(
      store,
      account.id,
      'invoices',
      invoiceInput(customer._id, product._id, {
        lines: [{ sku: 'NO-SUCH-ITEM', quantity: 1, unitPrice: 5 }],
      }),
    );

    const handle = await env.runWorkers(async () => {
      const h = await env.startSync();
      await h.result();
      return h;
    });
    const summary = await handle.result();
    assert.equal(summary.outcome, 'partial', 'one invoice is rejected, the rest is pushed and pulled');

    const runs = [
      { workflowId: handle.workflowId, name: 'sync-account' },
      ...Object.keys(summary.entities).map((entity) => ({
        workflowId: `${handle.workflowId}/${entity}`,
        name: `sync-entity-${entity}`,
      })),
    ];
    for (const run of runs) {
      const history = await env.client.workflow.getHandle(run.workflowId).fetchHistory();
      const file = join(FIXTURES, `${run.name}-${label}.json`);
      const fixture = {
        workflowId: run.workflowId,
        recordedFrom: `${commit}${dirty ? ' with uncommitted changes' : ''}`,
        recordedAt: new Date().toISOString(),
        // History.toObject as JSON: historyFromJSON fails with the protobufjs versions installed here.
        history,
      };
      writeFileSync(file, `${JSON.stringify(fixture, null, 1)}\n`);
      console.log(`saved ${file}`);
    }
  } finally {
    await env.close();
    await stack.close();
  }
});
