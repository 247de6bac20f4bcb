import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Client } from '@temporalio/client';
import { freePort } from '../../../scripts/stack';
import { projectRoot } from '../../../scripts/tools';
import type { EntityType } from '../../../core/entities';
import { customerInput, productInput } from '../../helpers/records';
import { useSyncStack, type SyncEnv } from '../../helpers/sync-env';
import { waitFor } from '../../helpers/wait';

// Scaling out is starting more worker processes on the same task queues: Temporal hands each activity and
// workflow task to one poller. Two real worker processes (worker/main.ts, the shipped entry point) share
// one push run; the histories must show both executing page activities, and Acumatica must have received
// each record exactly once.

interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

async function startWorker(env: SyncEnv): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'worker/main.ts')], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      MONGODB_DB: env.db.databaseName,
      TEMPORAL_TASK_QUEUE: env.taskQueue,
      TEMPORAL_ACUMATICA_TASK_QUEUE: env.acumaticaTaskQueue,
      WORKER_METRICS_PORT: String(await freePort()),
      ACUMATICA_ACTIVITIES_PER_SECOND: '1000',
      ACUMATICA_REQUESTS_PER_MINUTE: '60000',
      ACUMATICA_MAX_CONCURRENT_REQUESTS: '8',
      SYNC_PAGE_SIZE: '20',
    },
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // An early exit shows as the last error when the wait times out.
  await waitFor(
    'the worker process to start polling',
    () => {
      if (child.exitCode !== null) throw new Error(`worker exited: ${out.slice(-2000)}`);
      return out.includes('worker started') ? true : undefined;
    },
    60_000,
  );
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Identities that started activities in the histories of the run's entity children. */
async function activityIdentities(client: Client, workflowId: string, types: EntityType[]) {
  const counts = new Map<string, number>();
  for (const type of types) {
    const history = await client.workflow.getHandle(`${workflowId}/${type}`).fetchHistory();
    for (const event of history.events ?? []) {
      const identity = event.activityTaskStartedEventAttributes?.identity;
      if (identity) counts.set(identity, (counts.get(identity) ?? 0) + 1);
    }
  }
  return counts;
}

const stack = useSyncStack('two_workers');

test('two worker processes on one task queue share a run, and every record reaches Acumatica once', async () => {
  const env = await stack.setup({ pageSize: 20 });
  const workers: WorkerProcess[] = [];
  try {
    const { store, account } = env;
    const ids: string[] = [];
    for (let i = 0; i < 160; i++)
      ids.push((await store.records.customers.create(account.id, customerInput()))._id);
    for (let i = 0; i < 80; i++)
      ids.push((await store.records.products.create(account.id, productInput()))._id);
    await store.records.customers.markForExport(account.id, { filter: {} });
    await store.records.products.markForExport(account.id, { filter: {} });
    // Acumatica answering in 30 ms keeps each page busy long enough for both pollers to take work.
    env.emulator.admin.setFaults({ latency: { ms: 30 } });

    workers.push(await startWorker(env), await startWorker(env));
    const handle = await env.startSync({ entityTypes: ['customers', 'products'] });
    const summary = await handle.result();
    assert.equal(summary.outcome, 'succeeded');
    assert.equal(summary.totals.pushed, 240);
    assert.equal(summary.totals.failed, 0);

    // Both processes executed page activities of this run (identity is `<pid>@<host>`).
    const identities = await activityIdentities(env.client, handle.workflowId, ['customers', 'products']);
    const pids = workers.map((w) => String(w.child.pid));
    for (const pid of pids) {
      assert.ok(
        [...identities.keys()].some((id) => id.startsWith(`${pid}@`)),
        `worker ${pid} ran no activity; identities: ${JSON.stringify([...identities])}`,
      );
    }

    // No duplicate creates: Acumatica holds one record per record of ours, each created by one PUT.
    const counters = env.emulator.admin.counters();
    assert.equal(counters['PUT Customer'], 160);
    assert.equal(counters['PUT StockItem'], 80);
    assert.equal(env.emulator.admin.records('Customer').length, 160);
    assert.equal(env.emulator.admin.records('StockItem').length, 80);
    // Every record of ours is synced, to a distinct Acumatica record.
    const keys = new Set<string>();
    for (const type of ['customers', 'products'] as const) {
      const page = await store.records[type].list(account.id, { limit: 500 });
      for (const r of page.items) {
        assert.equal(r.sync.state, 'synced', `${r._id} is ${r.sync.state}`);
        assert.ok(r.sync.acumaticaId, `${r._id} has no Acumatica id`);
        keys.add(r.sync.acumaticaId);
      }
    }
    assert.equal(keys.size, ids.length);
  } finally {
    for (const w of workers) await w.stop();
    await env.close();
  }
});
