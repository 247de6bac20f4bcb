/**
 * `/accounts/:id/records/<type>`: the field-service records of the eleven entity types, as the field-service
 * app would read and write them, and "Export to Acumatica" (marking records for the next run). Routes are
 * registered per type so each has its exact schema in the OpenAPI document.
 */
import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENTITIES, ENTITY_TYPES, type EntityType } from '../../core/entities';
import { isPushable, RECORD_SPECS, type RecordBase } from '../../core/records';
import { entityTag, parseIfMatch, revisionOf, type IfMatch } from '../../core/revisions';
import type { RecordFilter, RecordRepository } from '../../store';
import type { RouteContext } from '../context';
import { ApiError, errorBodySchema, errorResponses, notFound } from '../errors';
import { accountId, accountParams } from '../schemas/common';
import {
  doNotSendBody,
  exportBody,
  listRecordsQuery,
  noteBody,
  recordId,
  recordView,
  toRecordView,
  type recordFilterFields,
} from '../schemas/records';
import { requireAccount } from './accounts';

type FilterInput = { [K in keyof typeof recordFilterFields]?: z.output<(typeof recordFilterFields)[K]> };

function toFilter(input: FilterInput): RecordFilter {
  return {
    ...(input.syncState ? { state: input.syncState } : {}),
    ...(input.externalId !== undefined ? { externalId: input.externalId } : {}),
    ...(input.updatedSince ? { updatedSince: input.updatedSince } : {}),
    ...(input.q !== undefined ? { text: input.q } : {}),
  };
}

const recordParams = z.object({ id: accountId, recordId }).strict();

/**
 * The `If-Match` condition of a request, if it sent one.
 * @throws ApiError 400 when the header is not entity-tag syntax
 */
function ifMatchOf(header: string | string[] | undefined): IfMatch | undefined {
  if (header === undefined) return undefined;
  const condition = parseIfMatch(Array.isArray(header) ? header.join(',') : header);
  if (!condition) {
    throw new ApiError(
      400,
      'invalid_if_match',
      'If-Match must be * or the record\'s ETag in double quotes, e.g. If-Match: "3"',
    );
  }
  return condition;
}

/**
 * Sending a record marked "Do Not Send" (marking it for export, syncing it now) would silently override the
 * exclusion: 409 naming the records, so the caller clears it first.
 */
export function refuseDoNotSend(type: EntityType, docs: readonly RecordBase[], action: string): void {
  const excluded = docs.filter((d) => d.sync.doNotSend).map((d) => d._id);
  if (excluded.length === 0) return;
  const label = ENTITIES[type].label;
  throw new ApiError(
    409,
    'do_not_send',
    `${excluded.length === 1 ? `${label} ${excluded[0]} is` : `${excluded.length} ${label.toLowerCase()} records are`} marked Do Not Send; clear the exclusion (DELETE /accounts/{id}/records/${type}/{recordId}/do-not-send) before ${action}`,
    { ids: excluded },
  );
}
const pageView = z.object({ items: z.array(recordView), nextCursor: z.string().nullable() });

export const recordRoutes: FastifyPluginAsyncZod<{ ctx: RouteContext }> = async (app, { ctx }) => {
  for (const type of ENTITY_TYPES) {
    const spec = RECORD_SPECS[type];
    const label = ENTITIES[type].label;
    // One repository per type; the loop sees them all as the base shape.
    const repo = ctx.store.records[type] as unknown as RecordRepository<EntityType>;
    const view = (doc: unknown) => toRecordView(type, doc as RecordBase);
    /** The record's view, with its revision as the ETag header. */
    const answer = (reply: FastifyReply, doc: unknown) => {
      reply.header('etag', entityTag(revisionOf(doc as RecordBase)));
      return view(doc);
    };
    const base = `/accounts/:id/records/${type}`;
    const tags = [`records: ${type}`];
    const pullOnly = !isPushable(type);

    const getOr404 = async (account: string, id: string) => {
      const doc = await repo.get(account, id);
      if (!doc) throw notFound(label.toLowerCase());
      return doc;
    };
    const refuseExcluded = (docs: readonly RecordBase[]) => refuseDoNotSend(type, docs, 'exporting');

    app.get(
      base,
      {
        schema: {
          tags,
          summary: `List ${label.toLowerCase()} records (keyset paging: pass nextCursor as after)`,
          params: accountParams,
          querystring: listRecordsQuery,
          response: { 200: pageView, ...errorResponses },
        },
      },
      async (request) => {
        await requireAccount(ctx, request.params.id);
        const { after, limit, ...filter } = request.query;
        const page = await repo.list(request.params.id, {
          ...toFilter(filter),
          limit,
          ...(after ? { after } : {}),
        });
        return { items: page.items.map(view), nextCursor: page.nextCursor };
      },
    );

    app.post(
      base,
      {
        schema: {
          tags,
          summary: `Create a ${label.toLowerCase()} record`,
          params: accountParams,
          body: spec.createInput,
          response: { 201: recordView, ...errorResponses },
        },
      },
      async (request, reply) => {
        await requireAccount(ctx, request.params.id);
        const doc = await repo.create(request.params.id, request.body as never);
        return reply.status(201).send(answer(reply, doc));
      },
    );

    app.post(
      `${base}/export`,
      {
        schema: {
          tags,
          summary: pullOnly
            ? `${label} records come from Acumatica: export is refused with 400`
            : `Export to Acumatica: mark records (by ids, by filter, or all) for the next sync run; records marked Do Not Send are skipped by filter and refused with 409 by id`,
          params: accountParams,
          body: exportBody,
          response: {
            200: z.object({
              marked: z.number().describe('Records that changed to pending'),
              missingIds: z.array(z.string()).optional().describe('Given ids that do not exist'),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const account = request.params.id;
        await requireAccount(ctx, account);
        const body = request.body;
        if (body.ids) {
          const docs = await repo.getMany(account, body.ids);
          refuseExcluded(docs);
          const found = new Set(docs.map((d) => d._id));
          const marked = await repo.markForExport(account, { ids: [...found] });
          const missingIds = [...new Set(body.ids)].filter((id) => !found.has(id));
          return { marked, ...(missingIds.length > 0 ? { missingIds } : {}) };
        }
        const filter = body.filter ? toFilter(body.filter) : {};
        return { marked: await repo.markForExport(account, { filter }) };
      },
    );

    app.get(
      `${base}/:recordId`,
      {
        schema: {
          tags,
          summary: `Read a ${label.toLowerCase()} record with its notes, sync state and External ID`,
          params: recordParams,
          response: { 200: recordView, ...errorResponses },
        },
      },
      async (request, reply) => answer(reply, await getOr404(request.params.id, request.params.recordId)),
    );

    app.patch(
      `${base}/:recordId`,
      {
        schema: {
          tags,
          summary: `Update a ${label.toLowerCase()} record (null clears an optional field; the sync state is kept)`,
          description:
            'Answers the record as this write stored it, with its new revision (`rev`, also the ETag header). ' +
            'Optimistic locking: send `If-Match: "<rev>"` to update only that revision; another revision ' +
            'answers 412 precondition_failed and changes nothing. Without If-Match the update applies to ' +
            'whatever revision is current (it is never lost to a concurrent write either way).',
          params: recordParams,
          body: spec.updateInput,
          response: { 200: recordView, 412: errorBodySchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const ifMatch = ifMatchOf(request.headers['if-match']);
        const doc = await repo.update(
          request.params.id,
          request.params.recordId,
          request.body as never,
          ifMatch ? { ifMatch } : {},
        );
        if (!doc) throw notFound(label.toLowerCase());
        return answer(reply, doc);
      },
    );

    app.post(
      `${base}/:recordId/notes`,
      {
        schema: {
          tags,
          summary: `Add a note to a ${label.toLowerCase()} record`,
          params: recordParams,
          body: noteBody,
          response: { 201: recordView, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { id, recordId: rid } = request.params;
        if (!(await repo.addNote(id, rid, { text: request.body.text, author: 'user' }))) {
          throw notFound(label.toLowerCase());
        }
        return reply.status(201).send(answer(reply, await getOr404(id, rid)));
      },
    );

    app.post(
      `${base}/:recordId/export`,
      {
        schema: {
          tags,
          summary: pullOnly
            ? `${label} records come from Acumatica: export is refused with 400`
            : `Export one ${label.toLowerCase()} record to Acumatica on the next run (re-marks a failed one)`,
          params: recordParams,
          response: { 200: recordView, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { id, recordId: rid } = request.params;
        refuseExcluded([await getOr404(id, rid)]);
        await repo.markForExport(id, { ids: [rid] });
        return answer(reply, await getOr404(id, rid));
      },
    );

    if (!pullOnly) {
      app.put(
        `${base}/:recordId/do-not-send`,
        {
          schema: {
            tags,
            summary: `Exclude a ${label.toLowerCase()} record from every push until cleared (External ID shows "Do Not Send"; pulls still update it)`,
            params: recordParams,
            body: doNotSendBody,
            response: { 200: recordView, ...errorResponses },
          },
        },
        async (request, reply) => {
          const { id, recordId: rid } = request.params;
          const reason = request.body?.reason;
          if (!(await repo.setDoNotSend(id, rid, reason ? { reason } : {})))
            throw notFound(label.toLowerCase());
          return answer(reply, await getOr404(id, rid));
        },
      );

      app.delete(
        `${base}/:recordId/do-not-send`,
        {
          schema: {
            tags,
            summary: `Clear "Do Not Send": the ${label.toLowerCase()} record is pushed again by its sync state`,
            params: recordParams,
            response: { 200: recordView, ...errorResponses },
          },
        },
        async (request, reply) => {
          const { id, recordId: rid } = request.params;
          if (!(await repo.clearDoNotSend(id, rid))) throw notFound(label.toLowerCase());
          return answer(reply, await getOr404(id, rid));
        },
      );
    }
  }

  // Any other type name: say which types exist instead of a bare 404.
  const unknownType = z
    .object({
      id: accountId,
      type: z.enum(ENTITY_TYPES, { error: `must be one of: ${ENTITY_TYPES.join(', ')}` }),
      '*': z.string().optional(),
    })
    .strict();
  for (const url of ['/accounts/:id/records/:type', '/accounts/:id/records/:type/*']) {
    app.route({
      method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
      url,
      schema: { hide: true, params: unknownType },
      handler: async (request) => {
        throw new ApiError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`);
      },
    });
  }
};
