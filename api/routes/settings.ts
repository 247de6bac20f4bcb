/** `/accounts/:id/settings` and `/accounts/:id/schedule`: the account's sync settings and its Temporal Schedule. */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { accountSettingsPatch } from '../../core/settings';
import type { RouteContext } from '../context';
import { errorResponses, notFound } from '../errors';
import { settingsView } from '../schemas/accounts';
import { accountParams, timestamp } from '../schemas/common';
import { requireAccount, syncSchedule } from './accounts';

const scheduleView = z
  .object({
    scheduleId: z.string(),
    paused: z.boolean(),
    note: z.string().nullable(),
    intervalMinutes: z.number(),
    nextRunTimes: z.array(timestamp),
    recentRuns: z.array(z.object({ workflowId: z.string(), scheduledAt: timestamp, startedAt: timestamp })),
    runningWorkflowIds: z.array(z.string()),
    skippedBecauseRunning: z.number(),
  })
  .meta({ id: 'Schedule' });
export type ScheduleView = z.infer<typeof scheduleView>;

export const settingsRoutes: FastifyPluginAsyncZod<{ ctx: RouteContext }> = async (app, { ctx }) => {
  const readSchedule = async (accountId: string, intervalMinutes: number) => {
    const d = await ctx.schedules.describe(accountId);
    if (!d) throw notFound('schedule');
    return {
      scheduleId: d.scheduleId,
      paused: d.state.paused,
      note: d.state.note ?? null,
      intervalMinutes,
      nextRunTimes: d.info.nextActionTimes.map((t) => t.toISOString()),
      recentRuns: d.info.recentActions.map((a) => ({
        workflowId: a.action.workflow.workflowId,
        scheduledAt: a.scheduledAt.toISOString(),
        startedAt: a.takenAt.toISOString(),
      })),
      runningWorkflowIds: d.info.runningActions.map((a) => a.workflow.workflowId),
      skippedBecauseRunning: d.info.numActionsSkippedOverlap,
    };
  };

  app.get(
    '/accounts/:id/settings',
    {
      schema: {
        tags: ['settings'],
        summary: 'Read the sync settings',
        params: accountParams,
        response: { 200: settingsView, ...errorResponses },
      },
    },
    async (request) => (await requireAccount(ctx, request.params.id)).settings,
  );

  app.patch(
    '/accounts/:id/settings',
    {
      schema: {
        tags: ['settings'],
        summary: 'Change sync settings; a new interval or paused state updates the schedule',
        description: 'executionDelayMinutes must be at least 15.',
        params: accountParams,
        body: accountSettingsPatch,
        response: { 200: settingsView, ...errorResponses },
      },
    },
    async (request) => {
      const before = await requireAccount(ctx, request.params.id);
      const after = await ctx.store.accounts.updateSettings(before.id, request.body);
      if (!after) throw notFound('account');
      if (
        after.settings.executionDelayMinutes !== before.settings.executionDelayMinutes ||
        after.settings.paused !== before.settings.paused
      ) {
        await syncSchedule(ctx, after);
      }
      return after.settings;
    },
  );

  app.get(
    '/accounts/:id/schedule',
    {
      schema: {
        tags: ['settings'],
        summary: 'The sync schedule: paused or not, next run times, recent runs',
        params: accountParams,
        response: { 200: scheduleView, ...errorResponses },
      },
    },
    async (request) => {
      const account = await requireAccount(ctx, request.params.id);
      return readSchedule(account.id, account.settings.executionDelayMinutes);
    },
  );

  for (const action of ['pause', 'resume'] as const) {
    app.post(
      `/accounts/:id/schedule/${action}`,
      {
        schema: {
          tags: ['settings'],
          summary: action === 'pause' ? 'Pause scheduled syncs' : 'Resume scheduled syncs',
          params: accountParams,
          response: { 200: scheduleView, ...errorResponses },
        },
      },
      async (request) => {
        await requireAccount(ctx, request.params.id);
        // The setting is the truth the schedule follows; the schedule is brought in line with it.
        const account = await ctx.store.accounts.updateSettings(request.params.id, {
          paused: action === 'pause',
        });
        if (!account) throw notFound('account');
        await syncSchedule(ctx, account);
        return readSchedule(account.id, account.settings.executionDelayMinutes);
      },
    );
  }
};
