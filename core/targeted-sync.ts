/**
 * "Sync now" and push-notification pulls: the inputs and results of the targeted workflows, shared by the
 * workflows, the activities and the API. Pure types and helpers, safe inside the workflow sandbox.
 */
import { ENTITY_TYPES, type EntityType } from './entities';
import type { EntityCounts, RecordFailure, RunSettings } from './runs';

/**
 * Types "sync now" takes: every type but price lists, which Acumatica serves as one inquiry (sales prices)
 * rather than records that can be read by key.
 */
export const SYNC_NOW_TYPES: readonly EntityType[] = ENTITY_TYPES.filter((t) => t !== 'price-lists');

/** What a targeted workflow read from the account before it started work. */
export interface TargetedPlan {
  settings: RunSettings;
  acumaticaTaskQueue: string;
  /** Keys the run lock's holder document (the Temporal run id of the workflow). */
  runId: string;
  lock: { status: 'acquired' } | { status: 'held'; holder: string };
}

/** One record's outcome of "sync now". */
export interface RecordSyncOutcome {
  id: string;
  /** The record's name or number, when it has one. */
  name: string;
  status: 'pushed' | 'unchanged' | 'failed' | 'excluded' | 'not-found' | 'pulled';
  /** The Acumatica key (External ID) after the sync. */
  externalId?: string;
  message?: string;
}

/** Input of the `syncRecords` workflow. */
export interface SyncRecordsInput {
  accountId: string;
  entity: EntityType;
  ids: string[];
}

/** Live state and result of the `syncRecords` workflow. */
export interface SyncRecordsState {
  accountId: string;
  entity: EntityType;
  status: 'waiting' | 'pushing' | 'pulling' | 'done' | 'failed';
  /** While waiting: the run that holds the account's lock. */
  waitingBehind: string | null;
  records: RecordSyncOutcome[];
  /** What pulling the records' Acumatica copies back did. */
  pull: { counts: EntityCounts; failures: RecordFailure[] } | null;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

/** One line for the Temporal UI and the API's list. */
export function syncRecordsSummary(state: SyncRecordsState): string {
  const by = (status: RecordSyncOutcome['status']) => state.records.filter((r) => r.status === status).length;
  const parts = [
    `${by('pushed')} pushed`,
    `${by('unchanged')} unchanged`,
    `${by('pulled')} pulled`,
    `${by('failed')} failed`,
  ];
  const skipped = by('excluded') + by('not-found');
  if (skipped > 0) parts.push(`${skipped} skipped`);
  return `${state.status}: ${parts.join(', ')} (${state.records.length} ${state.entity})`;
}
