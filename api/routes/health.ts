/** Liveness, readiness and metrics. */
import { z } from 'zod';
import { temporal as proto } from '@temporalio/proto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteContext } from '../context';

const READY_TIMEOUT_MS = 2_000;
/**
 * A worker long-polls each task queue for about a minute at a time, refreshing its last access each poll:
 * a poller not seen for longer than this is gone.
 */
const POLLER_FRESH_MS = 90_000;

const check = z.object({ ok: z.boolean(), detail: z.string().optional() });
const readyBody = z.object({
  status: z.enum(['ready', 'not-ready']),
  checks: z.object({ mongodb: check, temporal: check, worker: check }),
});

/** Resolves to an error message when `work` fails or takes longer than the timeout. */
async function probe(work: () => Promise<unknown>): Promise<z.infer<typeof check>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      work(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)),
          READY_TIMEOUT_MS,
        );
      }),
    ]);
    return { ok: true };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Throws unless some worker polled the task queue (`type`) recently: Temporal keeps a dead worker's poller
 * listed for a while, so only fresh ones count.
 */
async function requirePoller(
  ctx: RouteContext,
  taskQueue: string,
  type: proto.api.enums.v1.TaskQueueType,
): Promise<void> {
  const res = await ctx.temporal.workflowService.describeTaskQueue({
    namespace: ctx.config.TEMPORAL_NAMESPACE,
    taskQueue: { name: taskQueue },
    taskQueueType: type,
  });
  const now = Date.now();
  const fresh = (res.pollers ?? []).some((p) => {
    const seconds = Number(p.lastAccessTime?.seconds ?? 0);
    return now - seconds * 1000 <= POLLER_FRESH_MS;
  });
  if (!fresh) throw new Error(`no worker polls the task queue ${taskQueue}`);
}

export const healthRoutes: FastifyPluginAsyncZod<{ ctx: RouteContext }> = async (app, { ctx }) => {
  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process answers',
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary:
          'Readiness: MongoDB answers a ping, Temporal is reachable and a worker polls both task queues',
        security: [],
        response: { 200: readyBody, 503: readyBody },
      },
    },
    async (_request, reply) => {
      const { TaskQueueType } = proto.api.enums.v1;
      const [mongodb, temporal, worker] = await Promise.all([
        probe(() => ctx.store.ping()),
        probe(() => ctx.temporal.workflowService.getSystemInfo({})),
        probe(() =>
          Promise.all([
            requirePoller(ctx, ctx.config.TEMPORAL_TASK_QUEUE, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW),
            requirePoller(
              ctx,
              ctx.config.TEMPORAL_ACUMATICA_TASK_QUEUE,
              TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
            ),
          ]),
        ),
      ]);
      // Without a worker nothing syncs: the API answers, but the connector is not ready.
      const ready = mongodb.ok && temporal.ok && worker.ok;
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not-ready', checks: { mongodb, temporal, worker } });
    },
  );

  app.get(
    '/metrics',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics of the API (the worker serves its own on WORKER_METRICS_PORT)',
        produces: ['text/plain'],
      },
    },
    async (_request, reply) => {
      const text = await ctx.metrics.registry.metrics();
      return reply.type(ctx.metrics.registry.contentType).send(text);
    },
  );
};
