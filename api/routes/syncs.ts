/**
 * `/accounts/:id/syncs`: start a run (never two at once per account), the sync log from Temporal
 * visibility, one run's summary or live progress, its workflow history, and cancellation.
 */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENTITY_TYPES } from '../../core/entities';
import type { RouteContext } from '../context';
import { errorResponses } from '../errors';
import { accountId, accountParams, instant, timestamp } from '../schemas/common';
import { RUN_STATUSES } from '../services/syncs';
import { requireAccount } from './accounts';

/** A run id is the run's workflow id, URL-encoded in paths: `sync%2Facc_x%2Fmanual-2026-…`. */
const runId = z
  .string()
  .max(300, { error: 'must be at most 300 characters' })
  .regex(/^sync\/acc_[0-9a-z]{6,40}\/[A-Za-z0-9:._-]{1,200}$/, {
    error:
      'must be a sync run id (the workflow id, URL-encoded), such as sync/acc_k3j9x2m4q8w1/manual-2026-01-31T10:00:00.000Z',
  });
const runParams = z.object({ id: accountId, runId }).strict();

const startBody = z
  .object({
    full: z.boolean({ error: 'must be true or false' }).default(false),
    entityTypes: z
      .array(z.enum(ENTITY_TYPES, { error: `must be one of: ${ENTITY_TYPES.join(', ')}` }))
      .min(1)
      .max(ENTITY_TYPES.length)
      .optional(),
  })
  .strict()
  // A POST without a body arrives as null: start an incremental run of every selected type.
  .nullish();

const startView = z.object({
  runId: z.string().describe("The run's workflow id; URL-encode it in /syncs/:runId"),
  workflowId: z.string(),
  status: z
    .enum(['started', 'already-running'])
    .describe('already-running: a run of this account was in progress; this is that run'),
  temporalUiUrl: z.string(),
});
export type StartRunView = z.infer<typeof startView>;

const runInfo = z
  .object({
    runId: z.string(),
    workflowId: z.string(),
    temporalRunId: z.string(),
    status: z.enum([...RUN_STATUSES, 'unknown']),
    trigger: z.string().nullable(),
    full: z.boolean().nullable(),
    outcome: z.string().nullable(),
    failedCount: z.number().nullable(),
    summary: z.string().nullable(),
    counts: z
      .object({
        pushed: z.number(),
        pulled: z.number(),
        unchanged: z.number(),
        skipped: z
          .number()
          .optional()
          .describe('Pulled records the settings leave out (absent on older runs)'),
        failed: z.number(),
      })
      .nullable()
      .describe('Totals of a finished run, from its memo'),
    startedAt: timestamp,
    closedAt: timestamp.nullable(),
    temporalUiUrl: z.string(),
  })
  .meta({ id: 'SyncRun' });

const runDetail = runInfo
  .extend({
    progress: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('Live progress per entity type while running'),
    result: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('The run summary once completed: counts per entity type, failed records with messages'),
    failure: z.string().nullable(),
  })
  .meta({ id: 'SyncRunDetail' });
export type SyncRunView = z.infer<typeof runInfo>;
export type SyncRunDetailView = z.infer<typeof runDetail>;

const historyEntry = z
  .object({
    eventId: z.number(),
    time: timestamp.nullable(),
    type: z.string(),
    activity: z.string().optional(),
    activityId: z.string().optional(),
    childWorkflowType: z.string().optional(),
    childWorkflowId: z.string().optional(),
    workflowType: z.string().optional(),
    taskQueue: z.string().optional(),
    attempt: z.number().optional(),
    failure: z.string().optional(),
    lastFailure: z.string().optional(),
    retryState: z.string().optional(),
    signalName: z.string().optional(),
    reason: z.string().optional(),
  })
  .meta({ id: 'HistoryEvent' });
export type HistoryEventView = z.infer<typeof historyEntry>;

const listQuery = z
  .object({
    status: z.enum(RUN_STATUSES).optional(),
    since: instant.optional().describe('Runs started at or after this instant'),
    until: instant
      .optional()
      .describe('Runs started before this instant (page back with the last startedAt)'),
    limit: z.coerce
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(100, { error: 'must be at most 100' })
      .default(20),
  })
  .strict();

export const syncRoutes: FastifyPluginAsyncZod<{ ctx: RouteContext }> = async (app, { ctx }) => {
  app.post(
    '/accounts/:id/syncs',
    {
      schema: {
        tags: ['syncs'],
        summary:
          'Start a sync run now (full or incremental); answers with the running one if a run is in progress',
        params: accountParams,
        body: startBody,
        response: { 202: startView, ...errorResponses },
      },
    },
    async (request, reply) => {
      await requireAccount(ctx, request.params.id);
      const body = request.body ?? { full: false };
      const result = await ctx.syncs.startManual(request.params.id, {
        full: body.full,
        ...(body.entityTypes ? { entityTypes: body.entityTypes } : {}),
      });
      return reply.status(202).send(result);
    },
  );

  app.get(
    '/accounts/:id/syncs',
    {
      schema: {
        tags: ['syncs'],
        summary: 'The sync log: runs of the account, newest first (scheduled and manual)',
        params: accountParams,
        querystring: listQuery,
        response: { 200: z.object({ items: z.array(runInfo) }), ...errorResponses },
      },
    },
    async (request) => {
      await requireAccount(ctx, request.params.id);
      const { status, since, until, limit } = request.query;
      const items = await ctx.syncs.list(request.params.id, {
        limit,
        ...(status ? { status } : {}),
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
      });
      return { items };
    },
  );

  app.get(
    '/accounts/:id/syncs/:runId',
    {
      schema: {
        tags: ['syncs'],
        summary:
          'One run: its summary (per entity type, failed records) when done, live progress while running',
        params: runParams,
        response: { 200: runDetail, ...errorResponses },
      },
    },
    async (request) => {
      await requireAccount(ctx, request.params.id);
      const detail = await ctx.syncs.get(request.params.id, request.params.runId);
      return {
        ...detail,
        progress: detail.progress as unknown as Record<string, unknown> | null,
        result: detail.result as unknown as Record<string, unknown> | null,
      };
    },
  );

  app.get(
    '/accounts/:id/syncs/:runId/history',
    {
      schema: {
        tags: ['syncs'],
        summary: "The run's workflow history from Temporal as a readable event log (no payloads)",
        params: runParams,
        response: { 200: z.object({ runId: z.string(), events: z.array(historyEntry) }), ...errorResponses },
      },
    },
    async (request) => {
      await requireAccount(ctx, request.params.id);
      const events = await ctx.syncs.history(request.params.id, request.params.runId);
      return { runId: request.params.runId, events };
    },
  );

  app.post(
    '/accounts/:id/syncs/:runId/cancel',
    {
      schema: {
        tags: ['syncs'],
        summary: 'Cancel a running run (it still records its summary and frees the account)',
        params: runParams,
        response: {
          202: z.object({ runId: z.string(), status: z.literal('cancel-requested') }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      await requireAccount(ctx, request.params.id);
      await ctx.syncs.cancel(request.params.id, request.params.runId);
      return reply.status(202).send({ runId: request.params.runId, status: 'cancel-requested' as const });
    },
  );
};
