/**
 * Scenario: a noisy neighbour. Two accounts point at a tarpit (an ERP that accepts connections and never
 * answers) while account A syncs through the same worker. Each account holds at most its share of the
 * worker's Acumatica slots, so A's run time barely moves: `noisyNeighbourRatio` is A's run time next to
 * the tarpit accounts ÷ A's run time alone (goal ≤ 1.25; reported, not asserted: wall-clock times on a
 * shared machine are not a test's business). Without the share the tarpit accounts' eight phase-one
 * children would hold all eight slots and A would wait for their timeouts.
 */
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { ENTITY_TYPES } from '../../../core/entities';
import { assertClean, checkAccount } from '../../faults/checks';
import {
  createAccount,
  DATASET_TYPES,
  figures,
  report,
  runResult,
  seedDataset,
  volume,
  waitFor,
} from '../../faults/scenario';
import { SCENARIO_TIMEOUT as timeout, useFaultSuite, type FaultSuite } from '../../faults/suite';

const SLOTS = 8;
/** An account's share of the slots; NEIGHBOUR_SHARE=8 measures the worker without shares (for comparison). */
const SHARE = Number(process.env.NEIGHBOUR_SHARE ?? 2);

/** A TCP server that accepts every connection and never answers: the hung ERP. */
async function tarpit(): Promise<{ url: string; accepted(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Runs A once and returns its summary and wall time. */
async function timedRun(suite: FaultSuite, accountId: string) {
  const started = Date.now();
  const summary = await runResult(await suite.startRun(accountId, { full: true }), timeout / 3);
  return { summary, ms: Date.now() - started };
}

describe('faults: a noisy neighbour', () => {
  const suite = useFaultSuite('neighbour', {
    worker: {
      pageSize: 5,
      maxConcurrentActivities: SLOTS,
      env: { ACUMATICA_MAX_ACTIVITIES_PER_ACCOUNT: String(SHARE), ACUMATICA_RESPONSE_TIMEOUT_MS: '20000' },
    },
  });

  test('an account whose ERP hangs costs only its own share of the worker', { timeout }, async () => {
    const { stack } = suite;
    const emulator = await suite.emulator({ seed: { customers: 2, stockItems: 2, seed: 7 } });
    const a = await suite.account(emulator, DATASET_TYPES);
    const data = await seedDataset(stack.store, a.id, volume(12, 40));

    // A first run exports everything; the measured runs are full runs over the exported data, so the
    // baseline (A alone) and the crowded run do the same work.
    assert.equal((await timedRun(suite, a.id)).summary.outcome, 'succeeded');
    const alone = await timedRun(suite, a.id);
    assert.equal(alone.summary.outcome, 'succeeded', JSON.stringify(alone.summary));

    const pit = await tarpit();
    const neighbours = [];
    try {
      for (let i = 0; i < 2; i++) {
        const b = await createAccount(stack.store, pit.url, ENTITY_TYPES);
        neighbours.push(await suite.startRun(b.id));
      }
      // The neighbours are hung inside Acumatica requests (each child's first sign-in) before A starts.
      await waitFor('the tarpit to hold connections', () => (pit.accepted() >= 2 ? true : undefined), 60_000);

      const crowded = await timedRun(suite, a.id);
      assert.equal(crowded.summary.outcome, 'succeeded', JSON.stringify(crowded.summary));
      const stillHung = await Promise.all(neighbours.map(async (h) => (await h.describe()).status.name));
      assert.deepEqual(stillHung, ['RUNNING', 'RUNNING'], "the neighbours were hung throughout A's run");

      const tally = await checkAccount(stack.store, a.id, emulator.admin, DATASET_TYPES);
      const ratio = Math.round((crowded.ms / alone.ms) * 100) / 100;
      const result = figures(
        'noisy-neighbour',
        tally,
        { slots: SLOTS, sharePerAccount: SHARE, hungAccounts: neighbours.length, records: data.total },
        {
          aloneMs: alone.ms,
          crowdedMs: crowded.ms,
          noisyNeighbourRatio: ratio,
          tarpitConnections: pit.accepted(),
        },
      );
      report({ ...result, noisyNeighbourRatio: ratio });
      assertClean(tally, ['duplicates', 'lost']);
    } finally {
      for (const h of neighbours) await h.terminate('scenario over').catch(() => undefined);
      await pit.close();
    }
  });
});
