/**
 * Scenario 1: the worker process is SIGKILLed at chosen points of a run — while pulling pages, while
 * pushing pages, and right after Acumatica committed a PUT but before our write-back — and restarted.
 * The run must complete with zero duplicates in Acumatica and every marked record synced or failed with a
 * note.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { assertClean, checkAccount } from '../../faults/checks';
import {
  DATASET_TYPES,
  entityRoute,
  figures,
  report,
  runResult,
  seedDataset,
  SOAK,
  volume,
  type WatchedEmulator,
} from '../../faults/scenario';
import { useFaultSuite } from '../../faults/suite';

/** Where a kill lands: the n-th response of this kind. */
interface KillPoint {
  label: string;
  method: string;
  entity: string;
  nth: number;
}

describe('faults: worker killed mid-run', () => {
  // The test starts the worker itself, so that it can kill and restart it.
  const suite = useFaultSuite('crash', { worker: { pageSize: 5 }, startWorker: false });
  let emulator: WatchedEmulator;

  before(async () => {
    // Existing Acumatica records give the run pull pages to be killed in.
    emulator = await suite.emulator({
      seed: { customers: volume(10, 40), stockItems: volume(4, 20), seed: 7 },
    });
  });

  test(
    'SIGKILL during pull pages, push pages and between the PUT and the write-back',
    { timeout: SOAK ? 3_600_000 : 900_000 },
    async () => {
      const { stack, worker } = suite;
      const account = await suite.account(emulator, DATASET_TYPES);
      const data = await seedDataset(stack.store, account.id, volume(12, 100));
      const points: KillPoint[] = SOAK
        ? [
            { label: 'pull page', method: 'GET', entity: 'Customer', nth: 3 },
            { label: 'push page', method: 'PUT', entity: 'Customer', nth: 30 },
            { label: 'after PUT, before write-back', method: 'PUT', entity: 'SalesOrder', nth: 10 },
            { label: 'after PUT, before write-back', method: 'PUT', entity: 'SalesOrder', nth: 60 },
          ]
        : [{ label: 'after PUT, before write-back', method: 'PUT', entity: 'SalesOrder', nth: 4 }];

      const kills: { label: string; at: string; gapHit?: boolean }[] = [];
      const seen = new Map<string, number>();
      let next = 0;
      const restarts: Promise<void>[] = [];
      // The kill happens after Acumatica processed (and committed) the request, before the worker can
      // see the answer.
      const stop = emulator.beforeSend(async (req, reply) => {
        const route = entityRoute(req);
        if (!route) return;
        const key = `${route.method} ${route.entity}`;
        // Only successful list reads and committed writes count as progress.
        if (reply.statusCode >= 300) return;
        if (route.method === 'GET' && req.url.includes('/' + route.entity + '/')) return;
        const n = (seen.get(key) ?? 0) + 1;
        seen.set(key, n);
        const point = points[next];
        if (!point || point.method !== route.method || point.entity !== route.entity || n < point.nth) return;
        next += 1;
        await worker.kill();
        const kill: { label: string; at: string; gapHit?: boolean } = {
          label: point.label,
          at: `${key} #${n}`,
        };
        const externalRef = (req.body as { ExternalRef?: { value?: string } } | undefined)?.ExternalRef
          ?.value;
        if (externalRef) {
          // Acumatica has the document; our record must not know it yet.
          const record = await stack.store.records['sales-orders'].findByExternalRef(account.id, externalRef);
          kill.gapHit =
            record?.sync.state !== 'synced' &&
            emulator.admin.records('SalesOrder').some((d) => d.values.ExternalRef === externalRef);
        }
        kills.push(kill);
        restarts.push(worker.start());
      });

      await worker.start();
      const handle = await suite.startRun(account.id);
      const summary = await runResult(handle, SOAK ? 3_000_000 : 840_000);
      stop();
      await Promise.all(restarts);

      const tally = await checkAccount(stack.store, account.id, emulator.admin, DATASET_TYPES);
      const result = figures(
        'worker-sigkill',
        tally,
        { markedRecords: data.total, kills, workerStarts: worker.starts },
        { outcome: summary.outcome, totals: summary.totals },
      );
      result.passed &&=
        kills.length === points.length &&
        kills.every((k) => k.gapHit !== false) &&
        ['succeeded', 'partial'].includes(summary.outcome);
      report(result);

      assert.equal(kills.length, points.length, 'every planned kill happened');
      assert.ok(
        kills.every((k) => k.gapHit !== false),
        'kills after a committed PUT landed before the write-back',
      );
      assert.ok(['succeeded', 'partial'].includes(summary.outcome), `run outcome ${summary.outcome}`);
      assertClean(tally);
      assert.ok(
        tally.recordsChecked >= data.total,
        `checked ${tally.recordsChecked} of ${data.total} marked records`,
      );
    },
  );
});
