/**
 * What the store keeps about a record's sync besides its business fields: the sync state and Acumatica
 * key, the last error, the push intent, "Do Not Send", notes, and the "External ID" column shown for them.
 */
import { z } from 'zod';
import type { SyncState } from '../entities';
import { text } from './parts';

export const NOTE_AUTHORS = ['sync', 'user'] as const;

export interface Note {
  at: Date;
  text: string;
  author: (typeof NOTE_AUTHORS)[number];
  runId?: string;
}

/** Input for a user's note (the API); sync notes are written by the store itself. */
export const noteInput = z.object({ text: text(4000) }).strict();

export interface SyncError {
  message: string;
  /** Failure type, e.g. `AcumaticaRejected`, `MissingDependency`. */
  code: string;
  runId: string;
  at: Date;
}

/** Written before the create of an auto-numbered document so a retry finds it instead of creating a second. */
export interface PushIntent {
  externalRef: string;
  startedAt: Date;
  runId: string;
}

export interface SyncInfo {
  state: SyncState;
  /** The Acumatica key once synced, e.g. `C000123` or `SO/SO004512`. */
  externalId?: string;
  /** Acumatica's record GUID (`id`). */
  acumaticaId?: string;
  acumaticaModifiedAt?: Date;
  lastSyncedAt?: Date;
  /** Hash of the mapped payload last exchanged: no-op and echo detection. */
  lastSyncedHash?: string;
  lastError?: SyncError;
  pushIntent?: PushIntent;
  /** "Do Not Send": the record is never pushed (marked or full runs, "sync now") until this is cleared. */
  doNotSend?: DoNotSend;
  /**
   * The base of the field-level merge (core/merge.ts): the mapper's view of the fields Acumatica holds, as
   * both sides agreed at the last successful push or pull. Internal: never shown by the API.
   */
  base?: Record<string, unknown>;
}

/** Why and since when a record is excluded from pushes. Pulls still update the record. */
export interface DoNotSend {
  at: Date;
  reason?: string;
}

/** Fields every stored record has, whatever its type. */
export interface RecordBase {
  _id: string;
  accountId: string;
  externalRef: string;
  createdAt: Date;
  updatedAt: Date;
  /**
   * Revision: 1 when created, advanced by every write (core/revisions.ts). Records stored before revisions
   * existed have none, which counts as 0.
   */
  rev?: number;
  sync: SyncInfo;
  notes: Note[];
}

export const EXTERNAL_ID_PENDING = 'Pending';
export const EXTERNAL_ID_FAILED = 'Sync Failed';
export const EXTERNAL_ID_DO_NOT_SEND = 'Do Not Send';

/**
 * The "External ID" column: `Do Not Send` while excluded from pushes (whatever the state), `Pending` while
 * marked, `Sync Failed` after a failure, else the Acumatica key (or null when it never reached Acumatica).
 */
export function externalIdDisplay(sync: Pick<SyncInfo, 'state' | 'externalId' | 'doNotSend'>): string | null {
  if (sync.doNotSend) return EXTERNAL_ID_DO_NOT_SEND;
  if (sync.state === 'pending') return EXTERNAL_ID_PENDING;
  if (sync.state === 'failed') return EXTERNAL_ID_FAILED;
  return sync.externalId ?? null;
}
