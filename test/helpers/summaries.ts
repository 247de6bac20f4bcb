import type { RunSummary } from '../../core/runs';

/** A realistic run summary for store and API tests (what `syncAccount` returns). */
export function sampleSummary(opts: {
  accountId: string;
  runId: string;
  startedAt?: string;
  pushed?: number;
  failed?: number;
  full?: boolean;
}): RunSummary {
  const startedAt = opts.startedAt ?? '2026-01-01T00:00:00.000Z';
  const counts = { pushed: opts.pushed ?? 3, pulled: 2, unchanged: 10, failed: opts.failed ?? 0 };
  return {
    accountId: opts.accountId,
    runId: opts.runId,
    trigger: 'manual',
    full: opts.full ?? false,
    outcome: counts.failed > 0 ? 'partial' : 'succeeded',
    startedAt,
    finishedAt: new Date(Date.parse(startedAt) + 120_000).toISOString(),
    durationMs: 120_000,
    totals: counts,
    entities: { customers: { entity: 'customers', status: 'done', counts, missingGeoCount: 0, pages: 1 } },
    failures: counts.failed
      ? [{ entity: 'customers', recordId: 'cus_x', label: 'Acme', message: 'CustomerClass is required' }]
      : [],
    customersMissingGeo: { count: 0, ids: [] },
  };
}
