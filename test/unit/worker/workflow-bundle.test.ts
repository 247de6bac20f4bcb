import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { workflowSourcesDigest } from '../../../worker/workflow-bundle';

/** A tree with the files a bundle is built from, plus one it is not. */
function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'fsac-bundle-'));
  for (const dir of ['workflows', 'core', 'activities', 'api']) mkdirSync(join(root, dir));
  writeFileSync(join(root, 'workflows', 'index.ts'), 'export {};\n');
  writeFileSync(join(root, 'core', 'runs.ts'), 'export const A = 1;\n');
  writeFileSync(join(root, 'activities', 'types.ts'), 'export type T = 1;\n');
  writeFileSync(join(root, 'activities', 'push.ts'), 'export const push = 1;\n');
  writeFileSync(join(root, 'api', 'app.ts'), 'export const app = 1;\n');
  writeFileSync(join(root, 'package-lock.json'), '{}\n');
  return root;
}

test('the bundle digest changes with what workflows run, and only with that', () => {
  const root = tree();
  try {
    const digest = workflowSourcesDigest(root);
    assert.equal(workflowSourcesDigest(root), digest, 'stable for the same files');

    // Code the bundle does not contain: a prebuilt bundle stays usable.
    writeFileSync(join(root, 'api', 'app.ts'), 'export const app = 2;\n');
    writeFileSync(join(root, 'activities', 'push.ts'), 'export const push = 2;\n');
    assert.equal(workflowSourcesDigest(root), digest, 'API and activity code are not in the bundle');

    // Each of these makes a prebuilt bundle stale.
    const changes: [string, string][] = [
      [join('core', 'runs.ts'), 'export const A = 2;\n'],
      [join('workflows', 'new-workflow.ts'), 'export {};\n'],
      [join('activities', 'types.ts'), 'export type T = 2;\n'],
      ['package-lock.json', '{"sdk": "1.25.0"}\n'],
    ];
    let previous = digest;
    for (const [file, content] of changes) {
      writeFileSync(join(root, file), content);
      const next = workflowSourcesDigest(root);
      assert.notEqual(next, previous, `${file} changes the digest`);
      previous = next;
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
