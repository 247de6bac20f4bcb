/**
 * "Sync now": `POST /accounts/:id/records/<type>/sync` pushes just the chosen records (with their
 * dependencies) and pulls their Acumatica copies back, as a `syncRecords` workflow that respects the
 * account's run lock; `GET /accounts/:id/sync-now/:syncId` shows each record's outcome.
 */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENTITIES, type EntityType } from '../../core/entities';
import { SYNC_NOW_TYPES } from '../../core/targeted-sync';
import type { RecordRepository } from '../../store';
import type { RouteContext } from '../context';
import { ApiError, errorResponses } from '../errors';
import { accountId, accountParams } from '../schemas/common';
import { recordId } from '../schemas/records';
import { requireAccount } from './accounts';
import { refuseDoNotSend } from './records';

/** Most records one "sync now" takes: it is for a few records now, a run is for the rest. */
export const MAX_SYNC_NOW_IDS = 100;

const syncBody = z
  .object({
    ids: z
      .array(recordId)
      .min(1, { error: 'must name at least one record' })
      .max(MAX_SYNC_NOW_IDS, { error: `must name at most ${MAX_SYNC_NOW_IDS} records` }),
  })
  .strict();

const startView = z.object({
  syncId: z.string().describe('The workflow id; URL-encode it in /sync-now/:syncId'),
  workflowId: z.string(),
  status: z
    .enum(['started', 'waiting'])
    .describe('waiting: a run of this account is in progress; this sync starts as soon as it ends'),
  waitingBehind: z.string().nullable().describe('The run it waits behind'),
  temporalUiUrl: z.string(),
});

/** The answer to "sync now": started, or waiting behind a run (the console shows it). */
export type SyncNowStartView = z.infer<typeof startView>;

const outcome = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['pushed', 'unchanged', 'failed', 'excluded', 'not-found', 'pulled']),
  externalId: z.string().optional(),
  message: z.string().optional(),
});

const detailView = z
  .object({
    syncId: z.string(),
    workflowId: z.string(),
    status: z.enum(['running', 'completed', 'failed', 'canceled', 'terminated', 'timed-out', 'unknown']),
    state: z
      .object({
        entity: z.string(),
        status: z.enum(['waiting', 'pushing', 'pulling', 'done', 'failed']),
        waitingBehind: z.string().nullable(),
        records: z.array(outcome),
        pull: z
          .object({
            counts: z.object({
              pushed: z.number(),
              pulled: z.number(),
              unchanged: z.number(),
              failed: z.number(),
            }),
            failures: z.array(
              z.object({ entity: z.string(), recordId: z.string(), label: z.string(), message: z.string() }),
            ),
          })
          .nullable(),
        startedAt: z.string().nullable(),
        finishedAt: z.string().nullable(),
        error: z.string().nullable(),
      })
      .nullable()
      .describe('Live while running; each record outcome once done (null when no worker answered)'),
    startedAt: z.string(),
    closedAt: z.string().nullable(),
    temporalUiUrl: z.string(),
  })
  .meta({ id: 'SyncNow' });

/** One "sync now" as `GET /accounts/:id/sync-now/:syncId` answers it. */
export type SyncNowView = z.infer<typeof detailView>;

const syncIdParams = z
  .object({
    id: accountId,
    syncId: z
      .string()
      .max(300, { error: 'must be at most 300 characters' })
      .regex(/^sync-now\/acc_[0-9a-z]{6,40}\/[A-Za-z0-9:._-]{1,200}$/, {
        error:
          'must be a sync-now id (URL-encoded), such as sync-now/acc_k3j9x2m4q8w1/2026-01-31T10:00:00.000Z',
      }),
  })
  .strict();

export const syncNowRoutes: FastifyPluginAsyncZod<{ ctx: RouteContext }> = async (app, { ctx }) => {
  for (const type of SYNC_NOW_TYPES) {
    const label = ENTITIES[type].label;
    const repo = ctx.store.records[type] as unknown as RecordRepository<EntityType>;
    app.post(
      `/accounts/:id/records/${type}/sync`,
      {
        schema: {
          tags: [`records: ${type}`],
          summary: `Sync now: push these ${label.toLowerCase()} records (with their dependencies) and read them back from Acumatica, without waiting for the next run`,
          params: accountParams,
          body: syncBody,
          response: { 202: startView, ...errorResponses },
        },
      },
      async (request, reply) => {
        const account = request.params.id;
        await requireAccount(ctx, account);
        const ids = [...new Set(request.body.ids)];
        const docs = await repo.getMany(account, ids);
        const found = new Set(docs.map((d) => d._id));
        const missing = ids.filter((id) => !found.has(id));
        if (missing.length > 0) {
          throw new ApiError(404, 'not_found', `${label.toLowerCase()} not found: ${missing.join(', ')}`, {
            ids: missing,
          });
        }
        refuseDoNotSend(type, docs, 'syncing it');
        return reply.status(202).send(await ctx.syncNow.start(account, type, ids));
      },
    );
  }

  app.get(
    '/accounts/:id/sync-now',
    {
      schema: {
        tags: ['syncs'],
        summary: 'The account\'s "sync now" requests, newest first',
        params: accountParams,
        querystring: z
          .object({
            limit: z.coerce
              .number({ error: 'must be a number' })
              .int({ error: 'must be a whole number' })
              .min(1, { error: 'must be at least 1' })
              .max(100, { error: 'must be at most 100' })
              .default(20),
          })
          .strict(),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                syncId: z.string(),
                workflowId: z.string(),
                status: detailView.shape.status,
                entity: z.string().nullable(),
                summary: z.string().nullable(),
                startedAt: z.string(),
                closedAt: z.string().nullable(),
                temporalUiUrl: z.string(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      await requireAccount(ctx, request.params.id);
      return { items: await ctx.syncNow.list(request.params.id, request.query.limit) };
    },
  );

  app.get(
    '/accounts/:id/sync-now/:syncId',
    {
      schema: {
        tags: ['syncs'],
        summary: 'One "sync now": what it waits behind, or each record\'s outcome once done',
        params: syncIdParams,
        response: { 200: detailView, ...errorResponses },
      },
    },
    async (request) => {
      await requireAccount(ctx, request.params.id);
      return ctx.syncNow.get(request.params.id, request.params.syncId);
    },
  );
};
