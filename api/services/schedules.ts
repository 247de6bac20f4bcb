import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
} from '@temporalio/client';
import type { SyncRunInput } from '../../core/runs';
import { SEARCH_ATTRIBUTES } from '../../core/search-attributes';

/** Readable ids: the schedule `sync/<account>`; the runs it starts `sync/<account>/scheduled-<time>`. */
export const scheduleId = (accountId: string): string => `sync/${accountId}`;

export interface ScheduleSettings {
  accountId: string;
  executionDelayMinutes: number;
  paused: boolean;
  taskQueue: string;
}

/**
 * Every account has one Schedule that starts its run workflow every `executionDelayMinutes`. Overlap SKIP
 * (a tick while a run is going is dropped) and a short catch-up window (a long outage does not fire a burst
 * of old ticks). The runs themselves also take the account's run lock, so a tick during a manual run skips.
 */
export class ScheduleService {
  constructor(private readonly client: Client) {}

  /** Creates the account's schedule, or brings an existing one in line with the settings. Idempotent. */
  async upsert(s: ScheduleSettings): Promise<void> {
    const handle = this.client.schedule.getHandle(scheduleId(s.accountId));
    let exists = true;
    try {
      await handle.describe();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
      exists = false;
    }
    const args: [SyncRunInput] = [{ accountId: s.accountId, trigger: 'schedule' }];
    const action = {
      type: 'startWorkflow' as const,
      workflowType: 'syncAccount',
      workflowId: `${scheduleId(s.accountId)}/scheduled`,
      taskQueue: s.taskQueue,
      args,
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.account, value: s.accountId },
        { key: SEARCH_ATTRIBUTES.trigger, value: 'schedule' },
      ],
      staticSummary: `Scheduled sync of account ${s.accountId}`,
    };
    const spec = { intervals: [{ every: `${s.executionDelayMinutes} minutes` as const }] };
    const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '5 minutes' as const };
    if (!exists) {
      await this.client.schedule.create({
        scheduleId: scheduleId(s.accountId),
        spec,
        action,
        policies,
        state: { paused: s.paused, note: s.paused ? 'paused by settings' : 'created with the account' },
      });
      return;
    }
    await handle.update((prev) => ({
      ...prev,
      spec,
      action,
      policies: { ...prev.policies, ...policies },
      state: { ...prev.state, paused: s.paused, note: s.paused ? 'paused by settings' : 'settings updated' },
    }));
  }

  async pause(accountId: string, note = 'paused through the API'): Promise<void> {
    await this.client.schedule.getHandle(scheduleId(accountId)).pause(note);
  }

  async resume(accountId: string, note = 'resumed through the API'): Promise<void> {
    await this.client.schedule.getHandle(scheduleId(accountId)).unpause(note);
  }

  /** Deletes the schedule; a missing one is fine (deleting an account twice is not an error). */
  async delete(accountId: string): Promise<void> {
    try {
      await this.client.schedule.getHandle(scheduleId(accountId)).delete();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }

  async describe(accountId: string): Promise<ScheduleDescription | null> {
    try {
      return await this.client.schedule.getHandle(scheduleId(accountId)).describe();
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return null;
      throw err;
    }
  }

  /** Fires the schedule now (the same action a tick starts), e.g. to prove a schedule really runs. */
  async trigger(accountId: string): Promise<void> {
    await this.client.schedule.getHandle(scheduleId(accountId)).trigger(ScheduleOverlapPolicy.SKIP);
  }
}
