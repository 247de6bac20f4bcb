/** `/accounts`: create (with its schedule and a one-time API key), list, read, change, delete, validate. */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { destinationProblem, outboundPolicy } from '../../runtime/outbound';
import { resolveConnection, resolveSettings, SecretsRequiredError } from '../../core/settings';
import { ValidationError } from '../../core/validation';
import type { Account } from '../../store';
import type { RouteContext } from '../context';
import { ApiError, errorResponses, invalidInput, notFound } from '../errors';
import { accountView, createAccountBody, patchAccountBody, toAccountView } from '../schemas/accounts';
import { accountId, accountParams, limitQuery } from '../schemas/common';

/**
 * Re-throws a core validation error with its fields under `prefix` (e.g. `connection.clientId`); a
 * destination change without its secrets keeps its own code, `secrets_required`.
 */
function validateUnder<T>(prefix: string, work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const issues = err.issues.map((i) => ({
      field: `${prefix}.${i.field}`,
      message: i.message.startsWith(i.field)
        ? `${prefix}.${i.message}`
        : `${prefix}.${i.field}: ${i.message}`,
      in: 'body' as const,
    }));
    if (err instanceof SecretsRequiredError) {
      throw new ApiError(400, 'secrets_required', issues.map((i) => i.message).join('; '), { issues });
    }
    throw invalidInput(issues);
  }
}

/** 400 `destination_refused` when the outbound policy forbids the URL (its scheme or resolved address). */
async function checkDestination(ctx: RouteContext, url: string): Promise<void> {
  const problem = await destinationProblem(url, outboundPolicy(ctx.config));
  if (problem === undefined) return;
  const message = `connection.url ${problem}`;
  throw new ApiError(400, 'destination_refused', message, {
    issues: [{ field: 'connection.url', message, in: 'body' }],
  });
}

/** Brings the account's Temporal Schedule in line with its settings (interval and paused). */
export async function syncSchedule(ctx: RouteContext, account: Account): Promise<void> {
  await ctx.schedules.upsert({
    accountId: account.id,
    executionDelayMinutes: account.settings.executionDelayMinutes,
    paused: account.settings.paused,
    taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
  });
}

/** The account, or 404. */
export async function requireAccount(ctx: RouteContext, id: string): Promise<Account> {
  const account = await ctx.store.accounts.get(id);
  if (!account) throw notFound('account');
  return account;
}

const checklist = z.object({
  ok: z.boolean(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
});
export type ConnectionChecklist = z.infer<typeof checklist>;

export const accountRoutes: FastifyPluginAsyncZod<{ ctx: RouteContext }> = async (app, { ctx }) => {
  app.post(
    '/accounts',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['accounts'],
        summary: 'Create an account, its sync schedule and its first API key (shown once)',
        body: createAccountBody,
        response: {
          201: z.object({
            account: accountView,
            apiKey: z.string().describe('The account API key. Shown only here: store it now.'),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      // Cross-field rules (OAuth needs a client id and secret, the tenant matches) named under their object.
      const { connection } = validateUnder('connection', () => resolveConnection(undefined, body.connection));
      validateUnder('settings', () => resolveSettings(undefined, body.settings));
      await checkDestination(ctx, connection.url);
      const { account, apiKey } = await ctx.store.accounts.create(body, ctx.box);
      try {
        await syncSchedule(ctx, account);
      } catch (err) {
        // An account without its schedule would never sync: undo the account rather than keep half of it.
        await ctx.store.accounts.delete(account.id);
        throw err;
      }
      request.log.info({ accountId: account.id }, 'account created');
      return reply.status(201).send({ account: toAccountView(account), apiKey });
    },
  );

  app.get(
    '/accounts',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['accounts'],
        summary: 'List accounts (keyset paging on id)',
        querystring: z.object({ after: accountId.optional(), limit: limitQuery() }).strict(),
        response: {
          200: z.object({ items: z.array(accountView), nextCursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const page = await ctx.store.accounts.list({
        limit: request.query.limit,
        ...(request.query.after ? { after: request.query.after } : {}),
      });
      return { items: page.items.map(toAccountView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/accounts/:id',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Read an account (secrets are never returned, only whether they are set)',
        params: accountParams,
        response: { 200: accountView, ...errorResponses },
      },
    },
    async (request) => toAccountView(await requireAccount(ctx, request.params.id)),
  );

  app.patch(
    '/accounts/:id',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Rename an account or change its Acumatica connection (secrets are write-only)',
        params: accountParams,
        body: patchAccountBody,
        response: { 200: accountView, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      let account = await requireAccount(ctx, id);
      if (request.body.connection !== undefined) {
        const patch = request.body.connection;
        const current = account.connection;
        const resolved = validateUnder('connection', () => {
          if (!current) return resolveConnection(undefined, patch);
          const { hasRestPassword, hasClientSecret, ...connection } = current;
          return resolveConnection(
            { connection, secrets: { restPassword: hasRestPassword, clientSecret: hasClientSecret } },
            patch,
          );
        });
        await checkDestination(ctx, resolved.connection.url);
        account = (await ctx.store.accounts.setConnection(id, patch, ctx.box)) ?? account;
      }
      if (request.body.name !== undefined)
        account = (await ctx.store.accounts.rename(id, request.body.name)) ?? account;
      return toAccountView(account);
    },
  );

  app.delete(
    '/accounts/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['accounts'],
        summary: 'Delete an account, its schedule and all its data',
        params: accountParams,
        response: { 204: z.null().describe('Deleted'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await requireAccount(ctx, id);
      await ctx.schedules.delete(id);
      if (!(await ctx.store.accounts.delete(id))) throw notFound('account');
      request.log.info({ accountId: id }, 'account deleted');
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/accounts/:id/connection/validate',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Check the Acumatica connection (the worker signs in; returns a checklist)',
        params: accountParams,
        response: { 200: checklist, 504: errorResponses[500], ...errorResponses },
      },
    },
    async (request) => {
      const account = await requireAccount(ctx, request.params.id);
      if (!account.connection) {
        throw new ApiError(
          400,
          'no_connection',
          'the account has no Acumatica connection yet: set it with PATCH /accounts/:id',
        );
      }
      const checks = await ctx.connectionChecks.check(account.id);
      return { ok: checks.every((c) => c.ok), checks };
    },
  );
};
