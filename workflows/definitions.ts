/** Queries and signals of the sync workflows, shared by the workflows and the API. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { EntityType } from '../core/entities';
import type { EntityProgress, RunPlan, RunOutcome } from '../core/runs';
import type { ChangeNotification, ChangesState, SyncRecordsState } from '../core/targeted-sync';

export interface RunProgress {
  accountId: string;
  status: 'planning' | 'running' | 'finishing' | 'done';
  full: boolean | null;
  startedAt: string | null;
  currentPhase: number | null;
  entities: Partial<Record<EntityType, EntityProgress>>;
  outcome: RunOutcome | null;
  plan: Pick<RunPlan, 'entityTypes' | 'pullSince' | 'trigger'> | null;
}

/** Live progress of a run, per entity type. */
export const progressQuery = defineQuery<RunProgress>('progress');

/** Live progress of one entity child. */
export const entityProgressQuery = defineQuery<EntityProgress>('entityProgress');

/** An entity child reports its progress to the run after each page. */
export const entityProgressSignal = defineSignal<[EntityType, EntityProgress]>('entityProgress');

/** Live state of a "sync now" (`syncRecords`): waiting behind a run, pushing, pulling, or each record's outcome. */
export const syncRecordsStateQuery = defineQuery<SyncRecordsState>('syncRecordsState');

/** The webhook receiver hands an accepted push notification to the account's change workflow. */
export const changeNotificationSignal = defineSignal<[ChangeNotification]>('changeNotification');

/** Live state of an account's change workflow: accepted, duplicate, pending, pulled. */
export const changesStateQuery = defineQuery<ChangesState>('changesState');
