/**
 * `/accounts/:id/failed-records`: every record whose last push failed, across the entity types, newest
 * failure first, with Acumatica's message — the console's Problems screen and the Overview's failed count.
 */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENTITY_TYPES, type EntityType } from '../../core/entities';
import { isPushable, type RecordBase } from '../../core/records';
import type { RecordRepository } from '../../store';
import type { RouteContext } from '../context';
import { errorResponses } from '../errors';
import { accountParams, limitQuery } from '../schemas/common';
import { recordView, toRecordView } from '../schemas/records';
import { requireAccount } from './accounts';

const failedRecordsView = z
  .object({
    items: z.array(recordView).describe('The newest failures first (at most `limit`)'),
    total: z.number().describe('Failed records of every type'),
    counts: z.record(z.string(), z.number()).describe('Failed records per entity type (types with any)'),
  })
  .meta({ id: 'FailedRecords' });

export type FailedRecordsView = z.infer<typeof failedRecordsView>;

const failedAt = (doc: RecordBase): number => doc.sync.lastError?.at.getTime() ?? doc.updatedAt.getTime();

export const failedRecordRoutes: FastifyPluginAsyncZod<{ ctx: RouteContext }> = async (app, { ctx }) => {
  app.get(
    '/accounts/:id/failed-records',
    {
      schema: {
        tags: ['records'],
        summary: 'Records whose last push failed, across entity types, newest failure first',
        params: accountParams,
        querystring: z.object({ limit: limitQuery(500, 100) }).strict(),
        response: { 200: failedRecordsView, ...errorResponses },
      },
    },
    async (request) => {
      const account = await requireAccount(ctx, request.params.id);
      const { limit } = request.query;
      const found: { type: EntityType; doc: RecordBase }[] = [];
      const counts: Record<string, number> = {};
      // Pull-only types are never pushed, so they never fail a push.
      for (const type of ENTITY_TYPES.filter(isPushable)) {
        const repo = ctx.store.records[type] as unknown as RecordRepository<EntityType>;
        const count = await repo.count(account.id, { state: 'failed' });
        if (count === 0) continue;
        counts[type] = count;
        // A failed record is re-marked or fixed within days, so `limit` per type bounds the read.
        const page = await repo.list(account.id, { state: 'failed', limit });
        for (const doc of page.items) found.push({ type, doc: doc as RecordBase });
      }
      found.sort((a, b) => failedAt(b.doc) - failedAt(a.doc));
      return {
        items: found.slice(0, limit).map(({ type, doc }) => toRecordView(type, doc)),
        total: Object.values(counts).reduce((a, b) => a + b, 0),
        counts,
      };
    },
  );
};
