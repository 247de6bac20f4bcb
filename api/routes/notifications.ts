/** `/accounts/:id/notifications`: run summaries ("reminders"), newest first, read and unread. */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Notification } from '../../store';
import type { RouteContext } from '../context';
import { errorResponses, notFound } from '../errors';
import { accountId, timestamp, toJson } from '../schemas/common';
import { requireAccount } from './accounts';

const notificationView = z
  .object({
    id: z.string(),
    kind: z.string(),
    title: z.string(),
    read: z.boolean(),
    readAt: timestamp.optional(),
    createdAt: timestamp,
    summary: z.record(z.string(), z.unknown()).describe('The run summary: counts per entity type, failures'),
  })
  .meta({ id: 'Notification' });
export type NotificationView = z.infer<typeof notificationView>;

function toView(n: Notification): z.infer<typeof notificationView> {
  return {
    id: n._id,
    kind: n.kind,
    title: n.title,
    read: n.read,
    ...(n.readAt ? { readAt: n.readAt.toISOString() } : {}),
    createdAt: n.createdAt.toISOString(),
    summary: toJson(n.summary) as Record<string, unknown>,
  };
}

const notificationId = z
  .string()
  .regex(/^ntf_[0-9a-z]{6,40}$/, { error: 'must be a notification id such as ntf_k3j9x2m4q8w1' });

export const notificationRoutes: FastifyPluginAsyncZod<{ ctx: RouteContext }> = async (app, { ctx }) => {
  app.get(
    '/accounts/:id/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Run summaries, newest first',
        params: z.object({ id: accountId }).strict(),
        querystring: z
          .object({
            unread: z.stringbool({ error: 'must be true or false' }).optional(),
            after: z.string().max(200).optional().describe('nextCursor of the previous page'),
            limit: z.coerce
              .number({ error: 'must be a number' })
              .int({ error: 'must be a whole number' })
              .min(1, { error: 'must be at least 1' })
              .max(200, { error: 'must be at most 200' })
              .default(20),
          })
          .strict(),
        response: {
          200: z.object({
            items: z.array(notificationView),
            nextCursor: z.string().nullable(),
            unread: z.number(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      await requireAccount(ctx, id);
      const { unread, after, limit } = request.query;
      const page = await ctx.store.notifications.list(id, {
        limit,
        ...(unread ? { unreadOnly: true } : {}),
        ...(after ? { after } : {}),
      });
      return {
        items: page.items.map(toView),
        nextCursor: page.nextCursor,
        unread: await ctx.store.notifications.countUnread(id),
      };
    },
  );

  app.post(
    '/accounts/:id/notifications/:nid/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark a notification read',
        params: z.object({ id: accountId, nid: notificationId }).strict(),
        response: { 200: notificationView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, nid } = request.params;
      await requireAccount(ctx, id);
      if (!(await ctx.store.notifications.get(id, nid))) throw notFound('notification');
      await ctx.store.notifications.markRead(id, [nid]);
      const after = await ctx.store.notifications.get(id, nid);
      if (!after) throw notFound('notification');
      return toView(after);
    },
  );
};
