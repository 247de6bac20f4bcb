/** Liveness, readiness and metrics. */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteContext } from '../context';

const READY_TIMEOUT_MS = 2_000;

const check = z.object({ ok: z.boolean(), detail: z.string().optional() });
const readyBody = z.object({
  status: z.enum(['ready', 'not-ready']),
  checks: z.object({ mongodb: check, temporal: check }),
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
        summary: 'Readiness: MongoDB answers a ping and Temporal is reachable',
        security: [],
        response: { 200: readyBody, 503: readyBody },
      },
    },
    async (_request, reply) => {
      const [mongodb, temporal] = await Promise.all([
        probe(() => ctx.store.ping()),
        probe(() => ctx.temporal.workflowService.getSystemInfo({})),
      ]);
      const ready = mongodb.ok && temporal.ok;
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not-ready', checks: { mongodb, temporal } });
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
