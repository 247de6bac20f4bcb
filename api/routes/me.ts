/** `/me`: who the presented key is, so the console knows whether to show the account picker. */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Caller } from '../auth';
import { errorResponses } from '../errors';
import { accountView, toAccountView } from '../schemas/accounts';

const meView = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('admin') }),
    z.object({ kind: z.literal('account'), account: accountView }),
  ])
  .meta({ id: 'Me' });

export type MeView = z.infer<typeof meView>;

export const meRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/me',
    {
      schema: {
        tags: ['accounts'],
        summary: 'The caller: the admin, or the account whose key was sent',
        response: { 200: meView, ...errorResponses },
      },
    },
    async (request): Promise<MeView> => {
      // Set by the authenticate hook for every route that is not public.
      const caller: Caller | undefined = request.caller;
      return caller?.kind === 'account'
        ? { kind: 'account', account: toAccountView(caller.account) }
        : { kind: 'admin' };
    },
  );
};
