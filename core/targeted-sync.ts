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

/** One accepted push notification, as the receiver hands it to the account's change workflow. */
export interface ChangeNotification {
  /** Acumatica's notification `Id`: duplicates (resends) carry the same one. */
  id: string;
  /** Acumatica's `TimeStamp` (.NET ticks) as decimal digits: it has more digits than a double holds. */
  timeStamp: string;
  entity: EntityType;
  /** Acumatica keys of the rows in `Inserted` and `Deleted` (an update's pair names one key once). */
  keys: string[];
}

/** Live state of an account's change workflow (`pullChanges`). */
export interface ChangesState {
  accountId: string;
  /** Notifications accepted (duplicates not counted). */
  received: number;
  /** Notifications ignored because their `Id` was seen before. */
  duplicates: number;
  /** Keys waiting for the next batch, per entity type. */
  pending: number;
  batches: number;
  counts: EntityCounts;
  /** Batches given up after their retries (the next scheduled run catches up). */
  droppedBatches: number;
  lastError: string | null;
  /** Newest Acumatica TimeStamp seen (decimal digits). */
  lastTimeStamp: string | null;
}

/** Compares two TimeStamps given as decimal digits without losing precision. */
export function compareTimeStamps(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}
