/**
 * Scenario 1: the worker process is SIGKILLed at chosen points of a run — while pulling pages, while
 * pushing pages, and right after Acumatica committed a PUT but before our write-back — and restarted.
 * The run must complete with zero duplicates in Acumatica and every marked record synced or failed with a
 * note.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkAccount } from '../../faults/checks';
import {
  createAccount,
  DATASET_TYPES,
  entityRoute,
  figures,
  report,
  runResult,
  seedDataset,
  SOAK,
  startRun,
  startWatchedEmulator,
  volume,
  type WatchedEmulator,
} from '../../faults/scenario';
import { openFaultStack, type FaultStack } from '../../faults/stack';
import { workerProcess, type WorkerHandle } from '../../faults/worker';

/** Where a kill lands: the n-th response of this kind. */
interface KillPoint {
  label: string;
  method: string;
  entity: string;
  nth: number;
}

describe('faults: worker killed mid-run', () => {
  let stack: FaultStack;
  let emulator: WatchedEmulator;
  let worker: WorkerHandle;

  before(async () => {
    stack = await openFaultStack('crash');
    // Existing Acumatica records give the run pull pages to be killed in.
    emulator = await startWatchedEmulator({
      seed: { customers: volume(10, 40), stockItems: volume(4, 20), seed: 7 },
    });
    worker = workerProcess(stack, { pageSize: 5 });
  });
  after(async () => {
    await worker?.kill();
    await emulator?.close();
    await stack?.close();
  });

  test(
    'SIGKILL during pull pages, push pages and between the PUT and the write-back',
    { timeout: SOAK ? 3_600_000 : 900_000 },
    async () => {
      const account = await createAccount(stack.store, emulator.url, DATASET_TYPES);
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
      const handle = await startRun(stack.client, worker.taskQueue, account.id);
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
      assert.equal(tally.duplicates, 0, tally.problems.join('\n'));
      assert.equal(tally.lost, 0, tally.problems.join('\n'));
      assert.equal(tally.orphans, 0, tally.problems.join('\n'));
      assert.ok(
        tally.recordsChecked >= data.total,
        `checked ${tally.recordsChecked} of ${data.total} marked records`,
      );
    },
  );
});
