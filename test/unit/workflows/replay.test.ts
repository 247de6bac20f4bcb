/**
 * Today's workflow code must replay every saved history without a server: runs started by older code are
 * still open somewhere, and a non-deterministic change breaks them at their next workflow task. The
 * histories cover both shipped sync workflows, before and after each `patched()` change
 * (test/fixtures/histories/README.md says how to save new ones).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { installQuietRuntime } from '../../helpers/sync-env';
import { loadWorkflowBundle } from '../../../worker/workflow-bundle';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'histories');
/** Every `patched()` id the workflows use; each must be replayed both with and without its marker. */
const PATCHES = ['throttled-progress-reports'];

interface SavedHistory {
  file: string;
  workflowId: string;
  workflowType: string;
  patches: string[];
  history: temporal.api.history.v1.History;
}

function loadFixtures(): SavedHistory[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const saved = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as {
        workflowId: string;
        history: unknown;
      };
      const history = temporal.api.history.v1.History.fromObject(saved.history as object);
      const events = history.events;
      const workflowType = events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '';
      // The SDK records a patch as a "core_patch" marker whose details name the patch id.
      const patches = events.flatMap((e) => {
        const marker = e.markerRecordedEventAttributes;
        if (marker?.markerName !== 'core_patch') return [];
        const id = marker.details?.['patch-data']?.payloads?.[0]?.data;
        return id ? [JSON.parse(Buffer.from(id).toString('utf8')).id as string] : [];
      });
      return { file, workflowId: saved.workflowId, workflowType, patches, history };
    });
}

test('the saved histories cover both sync workflows, before and after every patch', () => {
  const fixtures = loadFixtures();
  for (const type of ['syncAccount', 'syncEntity']) {
    assert.ok(
      fixtures.some((f) => f.workflowType === type),
      `a ${type} history in test/fixtures/histories`,
    );
  }
  for (const patch of PATCHES) {
    const entity = fixtures.filter((f) => f.workflowType === 'syncEntity');
    assert.ok(
      entity.some((f) => f.patches.includes(patch)),
      `a syncEntity history recorded with the ${patch} patch`,
    );
    assert.ok(
      entity.some((f) => !f.patches.includes(patch)),
      `a syncEntity history recorded before the ${patch} patch (its old branch)`,
    );
  }
});

test('today’s workflows replay every saved history', async () => {
  installQuietRuntime();
  const fixtures = loadFixtures();
  const { bundle } = await loadWorkflowBundle();
  const replayed: string[] = [];
  const results = Worker.runReplayHistories(
    { workflowBundle: bundle },
    fixtures.map((f) => ({ workflowId: f.workflowId, history: f.history })),
  );
  for await (const result of results) {
    const fixture = fixtures.find((f) => f.workflowId === result.workflowId);
    assert.equal(result.error, undefined, `${fixture?.file ?? result.workflowId}: ${String(result.error)}`);
    replayed.push(result.workflowId);
  }
  assert.equal(replayed.length, fixtures.length, 'every history was replayed');
});
