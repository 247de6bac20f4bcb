/**
 * Scenario 6: near-real-time pulls from push notifications. ERP users edit customers at a steady rate; the
 * emulator posts each committed change to the API's receiver (over loopback HTTP), the change workflow pulls
 * the record by key. Measures ERP write → local record updated (p50/p95) and Acumatica requests per changed
 * record, then makes the same number of edits with notifications off and measures what one polling run
 * costs for them (its requests per change, its duration, and the latency a schedule interval implies).
 */
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { buildApp } from '../api/app';
import { ScheduleService } from '../api/services/schedules';
import { loadConfig } from '../runtime/config';
import { counterDelta, entityRequests, round, runSync } from './measure';
import { goal, type Profile, type ScenarioResult, UNLIMITED_RPM } from './scenarios';
import type { BenchStack } from './stack';

/** The default schedule interval (settings' `executionDelayMinutes`), for the polling latency it implies. */
const SCHEDULE_MINUTES = 15;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function notifications(stack: BenchStack, p: Profile): Promise<ScenarioResult> {
  const { edits, perSecond, customers } = p.notifications;
  const admin = stack.emulator.admin;
  admin.reset();
  admin.setLimits({ maxRequestsPerMinute: 0, maxConcurrentRequests: 0 });
  admin.seed({
    customers,
    vendors: 0,
    stockItems: 0,
    nonStockItems: 0,
    projects: 0,
    serviceOrders: 0,
    seed: 6,
  });
  const account = await stack.createAccount('bench notifications');
  const worker = await stack.startWorker({
    requestsPerMinute: UNLIMITED_RPM,
    maxConcurrent: 6,
    pageSize: p.pageSize,
  });
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', TEMPORAL_TASK_QUEUE: worker.taskQueue });
  const app = await buildApp({
    config,
    logger: pino({ level: 'silent' }),
    store: stack.store,
    temporal: stack.temporal,
    schedules: new ScheduleService(stack.temporal),
  });
  try {
    // Import the customers first: the edits then update records we have.
    await runSync(stack.temporal, worker.taskQueue, { accountId: account.id, entityTypes: ['customers'] });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const api = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const { secret } = await stack.store.webhooks.rotateSecret(account.id);
    admin.pushNotifications.register({
      entity: 'Customer',
      query: 'FS Customers',
      url: `${api}/hooks/acumatica/${account.id}?entity=customers`,
      header: { name: 'X-Connector-Webhook-Secret', value: secret },
      columns: ['CustomerID', 'CustomerName', 'LastModifiedDateTime'],
    });
    const repo = stack.store.records.customers;
    // Edits go to customers the import brought in (the seed has a few that are refused, on purpose).
    const all = admin.records('Customer');
    const imported = new Set(
      (
        await repo.findByExternalIds(
          account.id,
          all.map((r) => String(r.values.CustomerID)),
        )
      ).map((r) => r.sync.externalId),
    );
    const erp = all.filter((r) => imported.has(String(r.values.CustomerID)));

    // Notifications on: edits at a steady rate, each to a different customer, timed until it lands here.
    const emuBefore = admin.counters();
    const waiting = new Map<string, { name: string; at: number }>();
    const latencies: number[] = [];
    let polling = true;
    const watcher = (async () => {
      while (polling || waiting.size > 0) {
        const keys = [...waiting.keys()];
        for (const record of await repo.findByExternalIds(account.id, keys)) {
          const key = record.sync.externalId ?? '';
          const edit = waiting.get(key);
          if (edit && record.name === edit.name) {
            latencies.push(performance.now() - edit.at);
            waiting.delete(key);
          }
        }
        await pause(50);
      }
    })();
    const deadline = performance.now() + 120_000 + (edits / perSecond) * 1000;
    for (let i = 0; i < edits; i++) {
      const target = erp[i % erp.length]!;
      const name = `Edited ${i}`;
      const key = String(target.values.CustomerID);
      waiting.set(key, { name, at: performance.now() });
      admin.editRecord('Customer', target.id, { CustomerName: name });
      await pause(1000 / perSecond);
    }
    while (waiting.size > 0 && performance.now() < deadline) await pause(100);
    const missed = waiting.size;
    waiting.clear();
    polling = false;
    await watcher;
    await admin.pushNotifications.idle();
    const requests = entityRequests(counterDelta(admin.counters(), emuBefore));
    const stats = admin.pushNotifications.stats();
    latencies.sort((a, b) => a - b);
    const p50 = Math.round(percentile(latencies, 50));
    const p95 = Math.round(percentile(latencies, 95));
    const perChange = requests.total / Math.max(1, latencies.length);

    // Notifications off: the same number of edits, found by the next polling run.
    admin.pushNotifications.clear();
    for (let i = 0; i < edits; i++) {
      const target = erp[i % erp.length]!;
      admin.editRecord('Customer', target.id, { CustomerName: `Polled ${i}` });
    }
    const pollBefore = admin.counters();
    const run = await runSync(stack.temporal, worker.taskQueue, {
      accountId: account.id,
      entityTypes: ['customers'],
    });
    const pollRequests = entityRequests(counterDelta(admin.counters(), pollBefore));
    const runMs = run.wallSeconds * 1000;
    const changed = Math.min(edits, erp.length);
    return {
      scenario: 'notifications',
      customers,
      edits,
      editsPerSecond: perSecond,
      notificationsSent: stats.created,
      notificationsDelivered: stats.delivered,
      updatesSeen: latencies.length,
      missed,
      notificationLatencyP50Ms: p50,
      notificationLatencyP95Ms: p95,
      notificationLatencyMaxMs: Math.round(latencies.at(-1) ?? 0),
      requestsPerNotifiedChange: round(perChange),
      requestsByKind: requests,
      polling: {
        scheduleMinutes: SCHEDULE_MINUTES,
        runSeconds: run.wallSeconds,
        pulled: run.summary.totals.pulled,
        requestsPerChangedRecord: round(pollRequests.total / Math.max(1, changed)),
        requestsByKind: pollRequests,
        // An edit waits for the next run: half an interval on average, nearly all of it at worst.
        latencyP50Ms: Math.round((SCHEDULE_MINUTES * 60_000) / 2 + runMs),
        latencyP95Ms: Math.round(SCHEDULE_MINUTES * 60_000 * 0.95 + runMs),
      },
      goals: [
        goal('notificationLatencyP95Ms', '<= 5000', p95 <= 5000 && missed === 0),
        goal('requestsPerNotifiedChange', '<= 1.1', perChange <= 1.1),
      ],
    };
  } finally {
    await app.close();
    await worker.stop();
    await stack.store.accounts.delete(account.id);
  }
}
