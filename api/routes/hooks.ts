/**
 * Acumatica push notifications: `POST /hooks/acumatica/:accountId` receives them, authenticated by the
 * account's webhook secret in the destination's one custom header, and hands each accepted notification to
 * the account's change workflow (signal-with-start of `changes/<account>`) before answering 2xx, so nothing
 * acknowledged can be lost. Refused notifications are kept for inspection. `/accounts/:id/webhook…` rotates
 * the secret and lists what was refused.
 */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ENTITIES, ENTITY_TYPES, keyOfRow, type EntityType } from '../../core/entities';
import { SEARCH_ATTRIBUTES } from '../../core/search-attributes';
import type { ChangeNotification, ChangesState } from '../../core/targeted-sync';
import { WEBHOOK_SECRET_HEADER } from '../../store';
import { changeNotificationSignal, changesStateQuery } from '../../workflows/definitions';
import type { RouteContext } from '../context';
import { ApiError, errorResponses } from '../errors';
import { accountId, accountParams, timestamp } from '../schemas/common';
import { requireAccount } from './accounts';

/** Types a notification can name: those pulled record by record (price lists come from an inquiry). */
const NOTIFIED_TYPES = ENTITY_TYPES.filter(
  (t) => ENTITIES[t].directions.includes('pull') && t !== 'price-lists',
);

const row = z.record(z.string(), z.unknown());
/** Acumatica's payload (api-reference §9). `TimeStamp` is checked on the raw text, where all its digits are. */
const notification = z.object({
  Inserted: z.array(row).max(1000).default([]),
  Deleted: z.array(row).max(1000).default([]),
  Query: z.string().max(200),
  CompanyId: z.string().max(200).optional(),
  Id: z.string().min(1).max(100),
  TimeStamp: z.number(),
  AdditionalInfo: z.unknown().optional(),
});

const hookQuery = z
  .object({
    entity: z
      .enum(NOTIFIED_TYPES as [EntityType, ...EntityType[]], {
        error: `must be one of: ${NOTIFIED_TYPES.join(', ')}`,
      })
      .optional()
      .describe('The entity type the inquiry lists, when its name (Query) does not say'),
  })
  .strict();

/** The entity type a notification is about: `?entity=`, else its Query named after a type or entity. */
function entityOf(query: string, given: EntityType | undefined): EntityType | null {
  if (given) return given;
  const name = query.trim().toLowerCase();
  return NOTIFIED_TYPES.find((t) => t === name || ENTITIES[t].acumaticaEntity.toLowerCase() === name) ?? null;
}

class RefusedNotification extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Parses and checks a notification's text; the refusal names what is wrong. */
function parseNotification(text: string, given: EntityType | undefined): ChangeNotification {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RefusedNotification('the body is not JSON');
  }
  const parsed = notification.safeParse(json);
  if (!parsed.success) {
    throw new RefusedNotification(
      'the body is not an Acumatica push notification',
      parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })),
    );
  }
  const timeStamp = /"TimeStamp"\s*:\s*(\d{1,30})\s*[,}]/.exec(text)?.[1];
  if (!timeStamp) throw new RefusedNotification('TimeStamp must be a whole number');
  const entity = entityOf(parsed.data.Query, given);
  if (!entity) {
    throw new RefusedNotification(
      `Query "${parsed.data.Query}" names no entity type: name the inquiry after one (${NOTIFIED_TYPES.join(', ')}) or add ?entity=<type> to the destination URL`,
    );
  }
  const keys = new Set<string>();
  const rows = [...parsed.data.Inserted, ...parsed.data.Deleted];
  for (const [index, values] of rows.entries()) {
    const key = keyOfRow(entity, values);
    if (!key) {
      throw new RefusedNotification(
        `row ${index} has no ${ENTITIES[entity].label.toLowerCase()} key: the inquiry needs the key columns of ${ENTITIES[entity].acumaticaEntity}`,
      );
    }
    keys.add(key);
  }
  return { id: parsed.data.Id, timeStamp, entity, keys: [...keys] };
}

const accepted = z.object({
  status: z.enum(['accepted']),
  notificationId: z.string(),
  keys: z.number().describe('Records the notification names'),
});

export const hookRoutes: FastifyPluginAsyncZod<{ ctx: RouteContext }> = async (app, { ctx }) => {
  // The body is kept as text: a refused one is stored as received, and TimeStamp keeps all its digits.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.post(
    '/hooks/acumatica/:accountId',
    {
      config: { access: 'public' },
      schema: {
        tags: ['push notifications'],
        summary: `Acumatica push notification receiver (webhook destination); authenticated by the ${WEBHOOK_SECRET_HEADER} header`,
        params: z.object({ accountId }).strict(),
        querystring: hookQuery,
        response: { 202: accepted, 503: errorResponses[500], ...errorResponses },
      },
    },
    async (request, reply) => {
      const account = request.params.accountId;
      const presented = request.headers[WEBHOOK_SECRET_HEADER.toLowerCase()];
      // Unknown account, no secret set, wrong or missing header: one answer, so nothing is confirmed.
      if (
        !(await ctx.store.webhooks.verify(account, typeof presented === 'string' ? presented : undefined))
      ) {
        throw new ApiError(
          401,
          'unauthorized',
          `send the account's webhook secret in the ${WEBHOOK_SECRET_HEADER} header`,
        );
      }
      const text = typeof request.body === 'string' ? request.body : '';
      let change: ChangeNotification;
      try {
        change = parseNotification(text, request.query.entity);
      } catch (err) {
        if (!(err instanceof RefusedNotification)) throw err;
        await ctx.store.webhooks.keepRejected(account, err.message, text);
        request.log.info({ accountId: account, reason: err.message }, 'push notification refused');
        throw new ApiError(400, 'invalid_notification', err.message, err.details);
      }
      // Durably accepted once the signal is recorded: only then does Acumatica get its 2xx.
      try {
        await ctx.temporal.workflow.signalWithStart('pullChanges', {
          taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
          workflowId: `changes/${account}`,
          args: [{ accountId: account }],
          signal: changeNotificationSignal,
          signalArgs: [change],
          typedSearchAttributes: [
            { key: SEARCH_ATTRIBUTES.account, value: account },
            { key: SEARCH_ATTRIBUTES.trigger, value: 'push-notification' },
          ],
          staticSummary: `Acumatica changes of account ${account}, pulled as push notifications arrive`,
        });
      } catch (err) {
        // Not recorded: an error answer makes Acumatica send it again (up to 5 attempts).
        request.log.error({ accountId: account, err }, 'push notification not recorded');
        throw new ApiError(503, 'unavailable', 'the notification could not be recorded; send it again');
      }
      return reply
        .status(202)
        .send({ status: 'accepted' as const, notificationId: change.id, keys: change.keys.length });
    },
  );

  app.post(
    '/accounts/:id/webhook/secret',
    {
      schema: {
        tags: ['push notifications'],
        summary: 'Create or rotate the webhook secret (shown once; the old one stops working at once)',
        params: accountParams,
        response: {
          201: z.object({
            secret: z.string().describe('Set it as the header value of the Acumatica webhook destination'),
            headerName: z.string(),
            url: z.string().describe('The destination URL path (prefix it with the API address)'),
            createdAt: timestamp,
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const account = (await requireAccount(ctx, request.params.id)).id;
      const { secret, createdAt } = await ctx.store.webhooks.rotateSecret(account);
      request.log.info({ accountId: account }, 'webhook secret rotated');
      return reply.status(201).send({
        secret,
        headerName: WEBHOOK_SECRET_HEADER,
        url: `/hooks/acumatica/${account}`,
        createdAt: createdAt.toISOString(),
      });
    },
  );

  app.get(
    '/accounts/:id/webhook',
    {
      schema: {
        tags: ['push notifications'],
        summary: 'The webhook set-up (never the secret) and the latest refused notifications',
        params: accountParams,
        response: {
          200: z.object({
            url: z.string(),
            headerName: z.string(),
            secretCreatedAt: timestamp.nullable(),
            rejected: z.array(
              z.object({ id: z.string(), at: timestamp, reason: z.string(), body: z.string() }),
            ),
            changes: z
              .object({
                received: z.number(),
                duplicates: z.number(),
                pending: z.number(),
                batches: z.number(),
                counts: z.object({
                  pushed: z.number(),
                  pulled: z.number(),
                  unchanged: z.number(),
                  failed: z.number(),
                }),
                droppedBatches: z.number(),
                lastError: z.string().nullable(),
                lastTimeStamp: z.string().nullable(),
              })
              .nullable()
              .describe('The change workflow (changes/<account>) while it runs: what it received and pulled'),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const account = (await requireAccount(ctx, request.params.id)).id;
      const createdAt = await ctx.store.webhooks.secretCreatedAt(account);
      const rejected = await ctx.store.webhooks.listRejected(account);
      let changes: ChangesState | null = null;
      try {
        changes = await ctx.temporal.workflow.getHandle(`changes/${account}`).query(changesStateQuery);
      } catch (err) {
        // Not running (no notification for a while) or no worker answering: nothing live to show.
        request.log.debug({ accountId: account, err: (err as Error).message }, 'changes state not available');
      }
      return {
        changes,
        url: `/hooks/acumatica/${account}`,
        headerName: WEBHOOK_SECRET_HEADER,
        secretCreatedAt: createdAt?.toISOString() ?? null,
        rejected: rejected.map((r) => ({
          id: r._id,
          at: r.at.toISOString(),
          reason: r.reason,
          body: r.body,
        })),
      };
    },
  );
};
