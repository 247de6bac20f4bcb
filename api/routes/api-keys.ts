/**
 * `/accounts/:id/keys`: an account's API keys. Create (the key is shown once), list (label, prefix, created,
 * last used; never the key) and revoke (at once: the next request with it is 401). The admin key and the
 * account's own keys may manage them, so an account rotates its keys without the operator.
 */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { apiKeyLabelSchema, type ApiKeyInfo } from '../../store';
import type { RouteContext } from '../context';
import { errorResponses, notFound } from '../errors';
import { accountId, timestamp } from '../schemas/common';
import { requireAccount } from './accounts';

const apiKeyView = z
  .object({
    id: z.string(),
    prefix: z.string().describe('The first characters of the key, to tell keys apart'),
    label: z.string().nullable(),
    createdAt: timestamp,
    lastUsedAt: timestamp.nullable().describe('When the key last authenticated a request (to the minute)'),
  })
  .strict()
  .meta({ id: 'ApiKey' });

const keyParams = z
  .object({
    id: accountId,
    keyId: z.string().regex(/^key_[0-9a-z]{6,40}$/, { error: 'must be a key id such as key_k3j9x2m4q8w1' }),
  })
  .strict();

function toKeyView(info: ApiKeyInfo): z.infer<typeof apiKeyView> {
  return {
    id: info.id,
    prefix: info.prefix,
    label: info.label ?? null,
    createdAt: info.createdAt.toISOString(),
    lastUsedAt: info.lastUsedAt?.toISOString() ?? null,
  };
}

export const apiKeyRoutes: FastifyPluginAsyncZod<{ ctx: RouteContext }> = async (app, { ctx }) => {
  app.get(
    '/accounts/:id/keys',
    {
      schema: {
        tags: ['keys'],
        summary: "List the account's API keys (never the keys themselves)",
        params: z.object({ id: accountId }).strict(),
        response: { 200: z.object({ items: z.array(apiKeyView) }), ...errorResponses },
      },
    },
    async (request) => {
      await requireAccount(ctx, request.params.id);
      return { items: (await ctx.store.accounts.listApiKeys(request.params.id)).map(toKeyView) };
    },
  );

  app.post(
    '/accounts/:id/keys',
    {
      schema: {
        tags: ['keys'],
        summary: 'Create an API key for the account (shown once)',
        params: z.object({ id: accountId }).strict(),
        body: z.object({ label: apiKeyLabelSchema }).strict(),
        response: {
          201: z.object({
            key: apiKeyView,
            apiKey: z.string().describe('The new API key. Shown only here: store it now.'),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const created = await ctx.store.accounts.createApiKey(request.params.id, request.body.label);
      if (!created) throw notFound('account');
      request.log.info({ accountId: request.params.id, keyId: created.info.id }, 'api key created');
      return reply.status(201).send({ key: toKeyView(created.info), apiKey: created.key });
    },
  );

  app.delete(
    '/accounts/:id/keys/:keyId',
    {
      schema: {
        tags: ['keys'],
        summary: 'Revoke an API key (at once: the next request with it is refused)',
        params: keyParams,
        response: { 204: z.null().describe('Revoked'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, keyId } = request.params;
      if (!(await ctx.store.accounts.revokeApiKey(id, keyId))) throw notFound('API key');
      request.log.info({ accountId: id, keyId }, 'api key revoked');
      return reply.status(204).send(null);
    },
  );
};
