/**
 * Prometheus metrics of the API process, on a registry of its own (no global state, so two apps in one
 * test process never collide). The worker serves its Temporal SDK metrics itself on WORKER_METRICS_PORT.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Closed runs remembered so a run observed twice is counted once; old ones drop out first. */
const MAX_OBSERVED_RUNS = 10_000;

export class ApiMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route' | 'status'>;
  private readonly runsStarted: Counter<'trigger' | 'result'>;
  private readonly runsCompleted: Counter<'outcome' | 'trigger'>;
  private readonly observed = new Set<string>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'fsac_api_' });
    this.requests = new Counter({
      name: 'fsac_api_http_requests_total',
      help: 'HTTP requests answered, by route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'fsac_api_http_request_duration_seconds',
      help: 'HTTP request duration, by route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.runsStarted = new Counter({
      name: 'fsac_sync_runs_started_total',
      help: 'Sync runs requested through the API: started, or answered with the run already in progress',
      labelNames: ['trigger', 'result'],
      registers: [this.registry],
    });
    this.runsCompleted = new Counter({
      name: 'fsac_sync_runs_completed_total',
      help: 'Closed sync runs the API has observed (listed or described), counted once each, by outcome',
      labelNames: ['outcome', 'trigger'],
      registers: [this.registry],
    });
  }

  /** onResponse hook: one observation per answered request, labelled by route pattern (never the raw URL). */
  observeRequest = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    this.requests.inc(labels);
    this.duration.observe(labels, reply.elapsedTime / 1000);
  };

  runStarted(trigger: string, result: 'started' | 'already-running'): void {
    this.runsStarted.inc({ trigger, result });
  }

  /** Counts a closed run once, however often it is listed or described. */
  runClosed(workflowId: string, temporalRunId: string, outcome: string, trigger: string): void {
    const key = `${workflowId}/${temporalRunId}`;
    if (this.observed.has(key)) return;
    if (this.observed.size >= MAX_OBSERVED_RUNS) {
      const oldest = this.observed.values().next().value;
      if (oldest !== undefined) this.observed.delete(oldest);
    }
    this.observed.add(key);
    this.runsCompleted.inc({ outcome, trigger });
  }
}
