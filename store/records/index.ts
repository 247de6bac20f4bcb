/**
 * The record repository: one collection per entity type, `accountId` on every document and in every
 * query, so an account can never read or change another account's records. Every write is a single atomic
 * update that advances the record's revision (`rev`, core/revisions.ts); a writer that decided from what it
 * read applies its write only to that revision, so a change made in between is never overwritten.
 *
 * {@link RecordRepository} is the one surface callers use; each job lives in its own file beside this one:
 * queries.ts (reads, lists, pages), edits.ts (API create/update/delete), references.ts (reference checks),
 * export-marks.ts ("Export to Acumatica", "Do Not Send"), push-outcomes.ts (push intent, mark synced,
 * mark failed with its failure note, notes), pulled.ts (applying a pulled copy, bulk inserts).
 */
import type { Db } from 'mongodb';
import { ENTITY_TYPES, type EntityType } from '../../core/entities';
import {
  RECORD_SPECS,
  type CreateInputs,
  type DoNotSend,
  type PushIntent,
  type UpdateInputs,
} from '../../core/records';
import type { IfMatch } from '../../core/revisions';
import { recordCollectionName } from '../db';
import type { Doc, RecordContext, Stored } from './context';
import * as edits from './edits';
import * as exportMarks from './export-marks';
import * as pulled from './pulled';
import * as pushOutcomes from './push-outcomes';
import * as queries from './queries';
import type { Page, PageOptions, RecordFilter } from './queries';
import type { PulledRecord, PullResult } from './pulled';

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page, type PageOptions, type RecordFilter } from './queries';
export { matchPulled, type PulledRecord, type PullResult } from './pulled';

export interface RecordRepositoryOptions {
  /** Clock for timestamps; tests pass their own. */
  now?: () => Date;
}

/**
 * Repository for the records of one entity type. Build one per type with {@link createRecordRepositories}.
 */
export class RecordRepository<T extends EntityType> {
  private readonly ctx: RecordContext<T>;

  constructor(
    db: Db,
    readonly type: T,
    options: RecordRepositoryOptions = {},
  ) {
    this.ctx = {
      db,
      type,
      collection: db.collection<Stored>(recordCollectionName(type)),
      spec: RECORD_SPECS[type],
      now: options.now ?? (() => new Date()),
    };
  }

  /** Creates a record (sync state `none`). See {@link edits.create}. */
  create(accountId: string, input: CreateInputs[T]): Promise<Doc<T>> {
    return edits.create(this.ctx, accountId, input);
  }

  /** The record, or null when it does not exist in this account. See {@link queries.get}. */
  get(accountId: string, id: string): Promise<Doc<T> | null> {
    return queries.get(this.ctx, accountId, id);
  }

  /**
   * The records with these ids that exist in this account (missing ids are skipped). See {@link
   * queries.getMany}.
   */
  getMany(accountId: string, ids: readonly string[]): Promise<Doc<T>[]> {
    return queries.getMany(this.ctx, accountId, ids);
  }

  /**
   * Applies a partial update: `null` clears an optional field, arrays are replaced whole. See {@link
   * edits.update}.
   */
  update(
    accountId: string,
    id: string,
    input: UpdateInputs[T],
    options: { ifMatch?: IfMatch } = {},
  ): Promise<Doc<T> | null> {
    return edits.update(this.ctx, accountId, id, input, options);
  }

  /** Deletes a record; true when it existed in this account. See {@link edits.remove}. */
  delete(accountId: string, id: string): Promise<boolean> {
    return edits.remove(this.ctx, accountId, id);
  }

  /** Lists records matching `filter`, ordered by id, one keyset page at a time. See {@link queries.list}. */
  list(accountId: string, filter: RecordFilter & PageOptions = {}): Promise<Page<Doc<T>>> {
    return queries.list(this.ctx, accountId, filter);
  }

  /** Counts records matching `filter`. See {@link queries.count}. */
  count(accountId: string, filter: RecordFilter = {}): Promise<number> {
    return queries.count(this.ctx, accountId, filter);
  }

  /**
   * "Export to Acumatica": marks the records with these ids, or every record matching the filter, `pending`
   * (External ID shows "Pending"). See {@link exportMarks.markForExport}.
   */
  markForExport(
    accountId: string,
    target: { ids: readonly string[] } | { filter: RecordFilter },
  ): Promise<number> {
    return exportMarks.markForExport(this.ctx, accountId, target);
  }

  /**
   * Records that creation of an auto-numbered document is about to be sent, before the PUT, so a retry after
   * a crash or a lost response looks the document up by `externalRef` instead of creating another. See {@link
   * pushOutcomes.recordPushIntent}.
   */
  recordPushIntent(
    accountId: string,
    id: string,
    intent: { externalRef: string; runId: string; rev: number },
  ): Promise<{ intent: PushIntent; created: boolean; rev: number } | null> {
    return pushOutcomes.recordPushIntent(this.ctx, accountId, id, intent);
  }

  /**
   * {@link recordPushIntent} for many records at once (a page's creates, before any is sent). See {@link
   * pushOutcomes.recordPushIntents}.
   */
  recordPushIntents(
    accountId: string,
    wanted: readonly { id: string; externalRef: string; runId: string; rev: number }[],
  ): Promise<Map<string, pushOutcomes.RecordedIntent>> {
    return pushOutcomes.recordPushIntents(this.ctx, accountId, wanted);
  }

  /**
   * A push succeeded: stores the Acumatica key, id, modified time and payload hash, clears the error and the
   * push intent. See {@link pushOutcomes.markSynced}.
   */
  markSynced(
    accountId: string,
    id: string,
    result: pushOutcomes.SyncedOutcome,
  ): Promise<pushOutcomes.SyncedState> {
    return pushOutcomes.markSynced(this.ctx, accountId, id, result);
  }

  /**
   * {@link markSynced} for many records in one store command, each with its own compare-and-set (a push
   * page's outcomes). See {@link pushOutcomes.markSyncedMany}.
   */
  markSyncedMany(
    accountId: string,
    outcomes: readonly (pushOutcomes.SyncedOutcome & { id: string })[],
  ): Promise<Map<string, pushOutcomes.SyncedState>> {
    return pushOutcomes.markSyncedMany(this.ctx, accountId, outcomes);
  }

  /**
   * A push was rejected: state `failed` ("Sync Failed"), the error kept, and a note with the message, in one
   * update. See {@link pushOutcomes.markFailed}.
   */
  markFailed(
    accountId: string,
    id: string,
    error: Parameters<typeof pushOutcomes.markFailed>[3],
  ): Promise<'failed' | 'pending' | null> {
    return pushOutcomes.markFailed(this.ctx, accountId, id, error);
  }

  /** Appends a note. See {@link pushOutcomes.addNote}. */
  addNote(accountId: string, id: string, note: Parameters<typeof pushOutcomes.addNote>[3]): Promise<boolean> {
    return pushOutcomes.addNote(this.ctx, accountId, id, note);
  }

  /**
   * Records a push should send, by id: `pending` only (incremental runs) or every record (full runs). See
   * {@link queries.listPushCandidates}.
   */
  listPushCandidates(
    accountId: string,
    options: { scope: 'pending' | 'all' } & PageOptions,
  ): Promise<Page<Doc<T>>> {
    return queries.listPushCandidates(this.ctx, accountId, options);
  }

  /**
   * "Do Not Send": excludes the record from every push (marked and full runs, "sync now", cascades as a
   * dependency not yet in Acumatica) until {@link clearDoNotSend}. See {@link exportMarks.setDoNotSend}.
   */
  setDoNotSend(accountId: string, id: string, options: { reason?: string } = {}): Promise<DoNotSend | null> {
    return exportMarks.setDoNotSend(this.ctx, accountId, id, options);
  }

  /**
   * Clears "Do Not Send": the record is pushed again by the rules of its sync state. See {@link
   * exportMarks.clearDoNotSend}.
   */
  clearDoNotSend(accountId: string, id: string): Promise<boolean> {
    return exportMarks.clearDoNotSend(this.ctx, accountId, id);
  }

  /** The record with this Acumatica key (External ID), if any. See {@link queries.findByExternalId}. */
  findByExternalId(accountId: string, externalId: string): Promise<Doc<T> | null> {
    return queries.findByExternalId(this.ctx, accountId, externalId);
  }

  /**
   * The records with these Acumatica keys (External IDs), in one query; keys without a record are skipped.
   * See {@link queries.findByExternalIds}.
   */
  findByExternalIds(accountId: string, externalIds: readonly string[]): Promise<Doc<T>[]> {
    return queries.findByExternalIds(this.ctx, accountId, externalIds);
  }

  /** The record with this Acumatica GUID, if any. See {@link queries.findByAcumaticaId}. */
  findByAcumaticaId(accountId: string, acumaticaId: string): Promise<Doc<T> | null> {
    return queries.findByAcumaticaId(this.ctx, accountId, acumaticaId);
  }

  /** The record with this external ref, if any. See {@link queries.findByExternalRef}. */
  findByExternalRef(accountId: string, externalRef: string): Promise<Doc<T> | null> {
    return queries.findByExternalRef(this.ctx, accountId, externalRef);
  }

  /** Upserts a record pulled from Acumatica. See {@link pulled.applyPulled}. */
  applyPulled(accountId: string, record: PulledRecord<T>, known?: Doc<T> | null): Promise<PullResult> {
    return pulled.applyPulled(this.ctx, accountId, record, known);
  }

  /**
   * Our records matching a page of pulled records, in one query: by Acumatica id, Acumatica key or external
   * ref. See {@link pulled.findPulledMatches}.
   */
  findPulledMatches(
    accountId: string,
    page: readonly Pick<PulledRecord<T>, 'acumaticaId' | 'externalId' | 'externalRef'>[],
  ): Promise<Doc<T>[]> {
    return pulled.findPulledMatches(this.ctx, accountId, page);
  }

  /**
   * Inserts pulled records that have no record of ours yet, in one command (a bulk first pull writes a page
   * at once instead of one insert per record). See {@link pulled.insertPulledMany}.
   */
  insertPulledMany(accountId: string, records: readonly PulledRecord<T>[]): Promise<(string | null)[]> {
    return pulled.insertPulledMany(this.ctx, accountId, records);
  }
}

/** Every entity type's repository over one database. */
export type RecordRepositories = { readonly [T in EntityType]: RecordRepository<T> };

/** Builds the repositories of all eleven entity types. */
export function createRecordRepositories(db: Db, options: RecordRepositoryOptions = {}): RecordRepositories {
  return Object.fromEntries(
    ENTITY_TYPES.map((type) => [type, new RecordRepository(db, type, options)]),
  ) as unknown as RecordRepositories;
}
