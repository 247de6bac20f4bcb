/**
 * The record repository: one collection per entity type, `accountId` on every document and in every
 * query, so an account can never read or change another account's records. Every write is a single atomic
 * update that advances the record's revision (`rev`, core/revisions.ts); a writer that decided from what it
 * read applies its write only to that revision, so a change made in between is never overwritten.
 */
import { isDeepStrictEqual } from 'node:util';
import { MongoBulkWriteError, type Collection, type Db, type Filter, type UpdateFilter } from 'mongodb';
import { ENTITIES, type EntityType, type SyncState } from '../core/entities';
import {
  EXTERNAL_ID_DO_NOT_SEND,
  EXTERNAL_ID_FAILED,
  EXTERNAL_ID_PENDING,
  RECORD_SPECS,
  isPushable,
  type CreateInputs,
  type DoNotSend,
  type Note,
  type PushIntent,
  type RecordBase,
  type RecordSpec,
  type RecordTypes,
  type UpdateInputs,
} from '../core/records';
import { ifMatchHolds, revisionFilter, revisionOf, type IfMatch } from '../core/revisions';
import { decidePull } from '../core/sync-state';
import { parseOrThrow, ValidationError, type FieldIssue } from '../core/validation';
import { recordCollectionName, servedByFerretDB } from './db';
import {
  ConcurrentUpdateError,
  ConflictError,
  PreconditionFailedError,
  UnsupportedOperationError,
  isDuplicateKeyError,
} from './errors';
import { derivedId, newId, randomToken, shortId } from './ids';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
/**
 * Compare-and-set attempts of an edit or a pull before giving up with ConcurrentUpdateError: every round
 * one of the racing writers wins, so this many writers racing on one record all get through.
 */
const MAX_WRITE_ATTEMPTS = 20;
/** Notes and error messages are cut to this length: an Acumatica 422 echo can be large. */
const MAX_MESSAGE_LENGTH = 4000;
/** Matches records that are not excluded from pushes ("Do Not Send"). */
const SENDABLE = { 'sync.doNotSend': { $exists: false } };
const BASE_KEYS = new Set<string>([
  '_id',
  'accountId',
  'externalRef',
  'createdAt',
  'updatedAt',
  'rev',
  'sync',
  'notes',
]);

/** Conditions a record must meet for a write to apply (compare-and-set). */
interface WriteGuard {
  /** The record is still at this revision (nothing was written since it was read). */
  rev?: number;
  /** No push intent is recorded yet. */
  withoutPushIntent?: boolean;
}

export interface RecordFilter {
  state?: SyncState | readonly SyncState[];
  /** The "External ID" column: `Pending`, `Sync Failed`, or an Acumatica key. */
  externalId?: string;
  updatedSince?: Date;
  /** Case-insensitive substring of the type's search fields (name, description, number…) or externalRef. */
  text?: string;
  ids?: readonly string[];
}

export interface PageOptions {
  /** Keyset cursor: the last `_id` of the previous page. */
  after?: string;
  limit?: number;
}

export interface Page<T> {
  items: T[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface PulledRecord<T extends EntityType> {
  acumaticaId: string;
  /** The Acumatica key as shown in the External ID column. */
  externalId: string;
  acumaticaModifiedAt: Date;
  /** Hash of the mapped content: identical content writes nothing. */
  hash: string;
  /**
   * Mapped business fields. On an existing record only the keys given are written, so fields Acumatica
   * does not carry (coordinates, contacts a mapper skips) survive a pull.
   */
  fields: CreateInputs[T];
  /** Our reference if Acumatica's copy carries it (a document we pushed): finds the record it came from. */
  externalRef?: string;
}

export interface PullResult {
  outcome: 'created' | 'updated' | 'unchanged';
  id: string;
  /** Why nothing was written: identical content, a version already seen, or a newer local edit. */
  reason?: 'identical' | 'already-seen' | 'local-newer';
}

export interface RecordRepositoryOptions {
  /** Clock for timestamps; tests pass their own. */
  now?: () => Date;
}

type Doc<T extends EntityType> = RecordTypes[T];
/** The collection's view of a document: typed base fields, business fields by name. */
type Stored = RecordBase & { [key: string]: unknown };

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}

/** The update with the record's revision advanced: every write goes through here. */
function withNextRevision(update: UpdateFilter<Stored>): UpdateFilter<Stored> {
  return { ...update, $inc: { rev: 1 } } as unknown as UpdateFilter<Stored>;
}

function businessFields(doc: RecordBase): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !BASE_KEYS.has(key)));
}

/**
 * Repository for the records of one entity type. Build one per type with {@link createRecordRepositories}.
 */
export class RecordRepository<T extends EntityType> {
  private readonly collection: Collection<Stored>;
  private readonly spec: RecordSpec<T>;
  private readonly now: () => Date;

  constructor(
    private readonly db: Db,
    readonly type: T,
    options: RecordRepositoryOptions = {},
  ) {
    this.collection = db.collection<Stored>(recordCollectionName(type));
    this.spec = RECORD_SPECS[type];
    this.now = options.now ?? (() => new Date());
  }

  private scope(accountId: string, id?: string): Filter<Stored> {
    return (id === undefined ? { accountId } : { accountId, _id: id }) as Filter<Stored>;
  }

  /** The filter of one record of the account that meets `guard`. */
  private guarded(accountId: string, id: string, guard: WriteGuard): Filter<Stored> {
    return {
      accountId,
      _id: id,
      ...(guard.rev !== undefined ? revisionFilter(guard.rev) : {}),
      ...(guard.withoutPushIntent ? { 'sync.pushIntent': { $exists: false } } : {}),
    } as Filter<Stored>;
  }

  /**
   * Updates one record of the account if `guard` holds, advancing its revision; true when it matched. One
   * `updateOne` on both stores: MongoDB applies a single-document update atomically, and so does the
   * project's FerretDB build (scripts/ferretdb/*.patch), which also finds the `_id` through its index when
   * the filter has other conditions.
   */
  private async updateGuarded(
    accountId: string,
    id: string,
    guard: WriteGuard,
    update: UpdateFilter<Stored>,
  ): Promise<boolean> {
    const result = await this.collection.updateOne(
      this.guarded(accountId, id, guard),
      withNextRevision(update),
    );
    return result.matchedCount === 1;
  }

  /**
   * Creates a record (sync state `none`). Validates the input, checks that referenced records exist in
   * the same account, generates the id, location ids and the external ref when not given.
   * @throws ValidationError for bad input or a missing reference; ConflictError for a taken externalRef
   */
  async create(accountId: string, input: CreateInputs[T]): Promise<Doc<T>> {
    const fields = parseOrThrow(this.spec.createInput, input) as Record<string, unknown>;
    await this.checkReferences(accountId, fields);
    const id = newId(this.spec.idPrefix);
    const now = this.now();
    const doc = {
      ...this.withLocationIds(fields),
      _id: id,
      accountId,
      externalRef: (fields.externalRef as string | undefined) ?? this.generatedRef(id),
      createdAt: now,
      updatedAt: now,
      rev: 1,
      sync: { state: 'none' },
      notes: [],
    } as unknown as Doc<T>;
    try {
      await this.collection.insertOne(doc as never);
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw new ConflictError(
          `externalRef ${doc.externalRef} is already used by another ${ENTITIES[this.type].label.toLowerCase()}`,
        );
      }
      throw error;
    }
    return doc;
  }

  /**
   * The record, or null when it does not exist in this account. Looked up by `_id` alone and checked for
   * the account afterwards: FerretDB serves only a bare `{_id}` filter from its primary key and scans the
   * collection for any other filter (MongoDB is fast either way).
   */
  async get(accountId: string, id: string): Promise<Doc<T> | null> {
    const doc = (await this.collection.findOne({ _id: id } as Filter<Stored>)) as Doc<T> | null;
    return doc?.accountId === accountId ? doc : null;
  }

  /** The records with these ids that exist in this account (missing ids are skipped). */
  async getMany(accountId: string, ids: readonly string[]): Promise<Doc<T>[]> {
    return (await findByIds(this.db, this.collection, accountId, ids)) as unknown as Doc<T>[];
  }

  /**
   * Applies a partial update: `null` clears an optional field, arrays are replaced whole. Bumps
   * `updatedAt` and the revision and keeps the sync state: editing a synced record does not mark it for
   * export. A patch that changes nothing writes nothing. Compare-and-set on the revision read, retried
   * when another writer got in between.
   * @param options.ifMatch apply only if the record's revision meets this HTTP `If-Match` condition
   * @returns the record as stored by this write, or null when it does not exist in this account
   * @throws ValidationError naming every bad field; PreconditionFailedError when `ifMatch` does not hold
   */
  async update(
    accountId: string,
    id: string,
    input: UpdateInputs[T],
    options: { ifMatch?: IfMatch } = {},
  ): Promise<Doc<T> | null> {
    const patch = parseOrThrow(this.spec.updateInput, input) as Record<string, unknown>;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const current = await this.get(accountId, id);
      if (!current) return null;
      const rev = revisionOf(current);
      if (options.ifMatch && !ifMatchHolds(options.ifMatch, rev)) {
        throw new PreconditionFailedError(
          `${ENTITIES[this.type].label} ${id} is at revision ${rev} (ETag "${rev}"), not the one given in If-Match: read it again`,
        );
      }
      const merged: Record<string, unknown> = {
        ...businessFields(current),
        externalRef: current.externalRef,
      };
      for (const [key, value] of Object.entries(patch)) {
        if (value === null) delete merged[key];
        else if (value !== undefined) merged[key] = value;
      }
      const validated = this.withLocationIds(
        parseOrThrow(this.spec.createInput, merged) as Record<string, unknown>,
      );
      const changed = Object.keys(patch).filter(
        (key) =>
          patch[key] !== undefined &&
          !isDeepStrictEqual(validated[key], (current as unknown as Record<string, unknown>)[key]),
      );
      if (changed.length === 0) return current;
      await this.checkReferences(accountId, Object.fromEntries(changed.map((k) => [k, validated[k]])), id);

      const set: Record<string, unknown> = {};
      const unset: Record<string, ''> = {};
      for (const key of changed) {
        if (validated[key] === undefined) unset[key] = '';
        else set[key] = validated[key];
      }
      // Strictly later than before: last-modified-wins compares it with Acumatica's modified time.
      set.updatedAt = new Date(Math.max(this.now().getTime(), current.updatedAt.getTime() + 1));
      const update: UpdateFilter<Stored> = { $set: set as never };
      if (Object.keys(unset).length > 0) update.$unset = unset as never;
      // The answer is the document this very write produced, not a copy merged here.
      const stored = await this.collection.findOneAndUpdate(
        this.guarded(accountId, id, { rev }),
        withNextRevision(update),
        { returnDocument: 'after' },
      );
      if (stored) return stored as unknown as Doc<T>;
    }
    throw new ConcurrentUpdateError(`${ENTITIES[this.type].label} ${id} kept changing; try again`);
  }

  /** Deletes a record; true when it existed in this account. */
  async delete(accountId: string, id: string): Promise<boolean> {
    const result = await this.collection.deleteOne(this.scope(accountId, id));
    return result.deletedCount === 1;
  }

  /** Lists records matching `filter`, ordered by id, one keyset page at a time. */
  async list(accountId: string, filter: RecordFilter & PageOptions = {}): Promise<Page<Doc<T>>> {
    return this.page(this.toQuery(accountId, filter), filter);
  }

  /** Counts records matching `filter`. */
  async count(accountId: string, filter: RecordFilter = {}): Promise<number> {
    return this.collection.countDocuments(this.toQuery(accountId, filter));
  }

  /**
   * "Export to Acumatica": marks the records with these ids, or every record matching the filter,
   * `pending` (External ID shows "Pending"). Failed and synced records are re-marked; records already
   * pending are left alone, and so are records excluded with "Do Not Send" (the API refuses to mark those
   * by id). One update, atomic per record.
   * @returns how many records changed to pending
   * @throws UnsupportedOperationError for pull-only entity types
   */
  async markForExport(
    accountId: string,
    target: { ids: readonly string[] } | { filter: RecordFilter },
  ): Promise<number> {
    if (!isPushable(this.type)) {
      throw new UnsupportedOperationError(
        `${ENTITIES[this.type].label} records come from Acumatica and cannot be exported`,
      );
    }
    const query =
      'ids' in target ? this.toQuery(accountId, { ids: target.ids }) : this.toQuery(accountId, target.filter);
    // Atomic per document on both stores, so an edit racing the mark is kept (and a push in flight sees
    // the new revision and leaves the record pending).
    const result = await this.collection.updateMany(
      { $and: [query, { 'sync.state': { $ne: 'pending' } }, SENDABLE] } as Filter<Stored>,
      withNextRevision({ $set: { 'sync.state': 'pending' } } as UpdateFilter<Stored>),
    );
    return result.modifiedCount;
  }

  /**
   * Records that creation of an auto-numbered document is about to be sent, before the PUT, so a retry
   * after a crash or a lost response looks the document up by `externalRef` instead of creating another.
   * Only the first intent is kept: a retry gets the original back with `created: false`.
   * @param intent.rev the revision the push read
   * @returns the intent, and the revision the push's write-back must expect: one past `intent.rev` when
   *   only this intent was written since, else `intent.rev` itself (the record changed in between, so the
   *   write-back leaves it pending); null when the record does not exist in this account
   */
  async recordPushIntent(
    accountId: string,
    id: string,
    intent: { externalRef: string; runId: string; rev: number },
  ): Promise<{ intent: PushIntent; created: boolean; rev: number } | null> {
    const fresh: PushIntent = { externalRef: intent.externalRef, runId: intent.runId, startedAt: this.now() };
    const update = { $set: { 'sync.pushIntent': fresh } } as UpdateFilter<Stored>;
    if (await this.updateGuarded(accountId, id, { rev: intent.rev, withoutPushIntent: true }, update))
      return { intent: fresh, created: true, rev: intent.rev + 1 };
    // Changed since the push read it: the intent still guards the create, whatever else changed.
    if (await this.updateGuarded(accountId, id, { withoutPushIntent: true }, update))
      return { intent: fresh, created: true, rev: intent.rev };
    const current = await this.get(accountId, id);
    if (!current) return null;
    if (!current.sync.pushIntent)
      throw new ConcurrentUpdateError(`${ENTITIES[this.type].label} ${id} changed during the push`);
    return { intent: current.sync.pushIntent, created: false, rev: intent.rev };
  }

  /**
   * A push succeeded: stores the Acumatica key, id, modified time and payload hash, clears the error and
   * the push intent. With `pushedRev`, the revision the push read (or its own intent advanced to), the
   * record becomes `synced` only if nothing changed since; when it was edited (or re-marked) in between
   * it stays `pending` so its newer content goes out next run, yet the key and what Acumatica now holds
   * are stored: the next push updates that document instead of creating another, and a pull of our own
   * PUT is recognised. Its last-synced time is left alone, so the edit still counts as local.
   * @returns the resulting state, or null when the record does not exist in this account
   */
  async markSynced(
    accountId: string,
    id: string,
    result: {
      externalId: string;
      acumaticaId: string;
      acumaticaModifiedAt?: Date;
      hash: string;
      pushedRev?: number;
    },
  ): Promise<'synced' | 'pending' | null> {
    const set: Record<string, unknown> = {
      'sync.externalId': result.externalId,
      'sync.acumaticaId': result.acumaticaId,
      'sync.lastSyncedHash': result.hash,
    };
    if (result.acumaticaModifiedAt) set['sync.acumaticaModifiedAt'] = result.acumaticaModifiedAt;
    const unset = { 'sync.pushIntent': '', 'sync.lastError': '' };
    const guard = result.pushedRev !== undefined ? { rev: result.pushedRev } : {};
    const synced = await this.updateGuarded(accountId, id, guard, {
      $set: { ...set, 'sync.lastSyncedAt': this.now(), 'sync.state': 'synced' },
      $unset: unset,
    } as UpdateFilter<Stored>);
    if (synced) return 'synced';
    if (result.pushedRev === undefined) return null;
    const raced = await this.updateGuarded(accountId, id, {}, {
      $set: { ...set, 'sync.state': 'pending' },
      $unset: unset,
    } as UpdateFilter<Stored>);
    return raced ? 'pending' : null;
  }

  /**
   * A push was rejected: state `failed` ("Sync Failed"), the error kept, and a note with the message, in
   * one update. The push intent is kept: if a document was created after all, the next push finds it. The
   * note is written once per run and message, so a retried page does not repeat it.
   * With `rev`, the revision the push read: when the record changed since, the change may be the fix, so
   * it stays (or becomes) `pending` for the next run, with the error and note recorded all the same.
   * @returns the resulting state, or null when the record does not exist in this account
   */
  async markFailed(
    accountId: string,
    id: string,
    error: { message: string; code: string; runId: string; rev?: number },
  ): Promise<'failed' | 'pending' | null> {
    const at = this.now();
    const message = truncate(error.message);
    const note: Note = { at, text: `Sync failed: ${message}`, author: 'sync', runId: error.runId };
    // A page retried after a heartbeat fails the same record again: its note is written once per run.
    const current = (await this.collection.findOne({ accountId, _id: id } as Filter<Stored>, {
      projection: { notes: 1 },
    })) as Pick<RecordBase, 'notes'> | null;
    if (!current) return null;
    const noted = (current.notes ?? []).some((n) => n.runId === error.runId && n.text === note.text);
    const update = (state: 'failed' | 'pending') =>
      ({
        $set: {
          'sync.state': state,
          'sync.lastError': { message, code: error.code, runId: error.runId, at },
        },
        ...(noted ? {} : { $push: { notes: note } }),
      }) as unknown as UpdateFilter<Stored>;
    const guard = error.rev !== undefined ? { rev: error.rev } : {};
    if (await this.updateGuarded(accountId, id, guard, update('failed'))) return 'failed';
    if (error.rev === undefined) return null;
    return (await this.updateGuarded(accountId, id, {}, update('pending'))) ? 'pending' : null;
  }

  /** Appends a note. @returns false when the record does not exist in this account */
  async addNote(
    accountId: string,
    id: string,
    note: { text: string; author: Note['author']; runId?: string },
  ): Promise<boolean> {
    const entry: Note = { at: this.now(), text: truncate(note.text), author: note.author };
    if (note.runId) entry.runId = note.runId;
    return this.updateGuarded(accountId, id, {}, {
      $push: { notes: entry },
    } as unknown as UpdateFilter<Stored>);
  }

  /**
   * Records a push should send, by id: `pending` only (incremental runs) or every record (full runs).
   * Records marked "Do Not Send" are never candidates.
   */
  async listPushCandidates(
    accountId: string,
    options: { scope: 'pending' | 'all' } & PageOptions,
  ): Promise<Page<Doc<T>>> {
    const query =
      options.scope === 'pending' ? this.toQuery(accountId, { state: 'pending' }) : this.scope(accountId);
    return this.page({ $and: [query, SENDABLE] } as Filter<Stored>, options);
  }

  /**
   * "Do Not Send": excludes the record from every push (marked and full runs, "sync now", cascades as a
   * dependency not yet in Acumatica) until {@link clearDoNotSend}. The sync state is kept, so a record that
   * was marked goes out again once the exclusion is cleared; pulls keep updating it. Setting it again
   * keeps the first date and replaces the reason.
   * @returns the exclusion, or null when the record does not exist in this account
   */
  async setDoNotSend(
    accountId: string,
    id: string,
    options: { reason?: string } = {},
  ): Promise<DoNotSend | null> {
    const current = await this.get(accountId, id);
    if (!current) return null;
    const exclusion: DoNotSend = {
      at: current.sync.doNotSend?.at ?? this.now(),
      ...(options.reason ? { reason: truncate(options.reason) } : {}),
    };
    const updated = await this.updateGuarded(accountId, id, {}, {
      $set: { 'sync.doNotSend': exclusion },
    } as UpdateFilter<Stored>);
    return updated ? exclusion : null;
  }

  /**
   * Clears "Do Not Send": the record is pushed again by the rules of its sync state.
   * @returns false when the record does not exist in this account
   */
  async clearDoNotSend(accountId: string, id: string): Promise<boolean> {
    return this.updateGuarded(accountId, id, {}, {
      $unset: { 'sync.doNotSend': '' },
    } as UpdateFilter<Stored>);
  }

  /** The record with this Acumatica key (External ID), if any. */
  async findByExternalId(accountId: string, externalId: string): Promise<Doc<T> | null> {
    return (await this.collection.findOne({
      accountId,
      'sync.externalId': externalId,
    } as Filter<Stored>)) as Doc<T> | null;
  }

  /** The records with these Acumatica keys (External IDs), in one query; keys without a record are skipped. */
  async findByExternalIds(accountId: string, externalIds: readonly string[]): Promise<Doc<T>[]> {
    if (externalIds.length === 0) return [];
    return (await this.collection
      .find({ accountId, 'sync.externalId': { $in: [...externalIds] } } as Filter<Stored>)
      .toArray()) as unknown as Doc<T>[];
  }

  /** The record with this Acumatica GUID, if any. */
  async findByAcumaticaId(accountId: string, acumaticaId: string): Promise<Doc<T> | null> {
    return (await this.collection.findOne({
      accountId,
      'sync.acumaticaId': acumaticaId,
    } as Filter<Stored>)) as Doc<T> | null;
  }

  /** The record with this external ref, if any. */
  async findByExternalRef(accountId: string, externalRef: string): Promise<Doc<T> | null> {
    return (await this.collection.findOne({ accountId, externalRef } as Filter<Stored>)) as Doc<T> | null;
  }

  /**
   * Upserts a record pulled from Acumatica. Finds ours by Acumatica id, then key, then external ref;
   * creates it (state `synced`) when none exists, with an id derived from the Acumatica id so two racing
   * pulls cannot create two. An existing record is overwritten only as {@link decidePull} says
   * (last-modified wins; identical content writes nothing). Compare-and-set on the revision read, so a
   * local edit racing the pull is decided on again, never silently lost.
   * @throws ValidationError when the mapped fields are invalid
   */
  async applyPulled(
    accountId: string,
    pulled: PulledRecord<T>,
    /** Our matching record when the caller already looked it up for a whole page (null: none). */
    known?: Doc<T> | null,
  ): Promise<PullResult> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const existing =
        attempt === 0 && known !== undefined ? known : await this.findPulledMatch(accountId, pulled);
      if (!existing) {
        const created = await this.insertPulled(accountId, pulled);
        if (created) return { outcome: 'created', id: created };
        continue;
      }
      const decision = decidePull(existing, pulled);
      if (decision.action === 'skip')
        return { outcome: 'unchanged', id: existing._id, reason: decision.reason };

      const given = pulled.fields as Record<string, unknown>;
      const merged = { ...businessFields(existing), ...given, externalRef: existing.externalRef };
      const validated = this.withLocationIds(
        parseOrThrow(this.spec.createInput, merged) as Record<string, unknown>,
      );
      const now = this.now();
      const set: Record<string, unknown> = {
        updatedAt: now,
        'sync.state': 'synced',
        'sync.externalId': pulled.externalId,
        'sync.acumaticaId': pulled.acumaticaId,
        'sync.acumaticaModifiedAt': pulled.acumaticaModifiedAt,
        'sync.lastSyncedAt': now,
        'sync.lastSyncedHash': pulled.hash,
      };
      for (const key of Object.keys(given)) if (key !== 'externalRef') set[key] = validated[key];
      const update: Record<string, unknown> = { $set: set, $unset: { 'sync.lastError': '' } };
      if (decision.overwritesLocalEdit) {
        const note: Note = {
          at: now,
          text: `Acumatica's newer copy (modified ${pulled.acumaticaModifiedAt.toISOString()}) replaced local changes`,
          author: 'sync',
        };
        update.$push = { notes: note };
      }
      if (
        await this.updateGuarded(
          accountId,
          existing._id,
          { rev: revisionOf(existing) },
          update as UpdateFilter<Stored>,
        )
      )
        return { outcome: 'updated', id: existing._id };
    }
    throw new ConcurrentUpdateError(
      `${ENTITIES[this.type].label} ${pulled.externalId} kept changing during the pull`,
    );
  }

  /**
   * Our records matching a page of pulled records, in one query: by Acumatica id, Acumatica key or external
   * ref. Use {@link matchPulled} to pick each pulled record's match from the result.
   */
  async findPulledMatches(
    accountId: string,
    page: readonly Pick<PulledRecord<T>, 'acumaticaId' | 'externalId' | 'externalRef'>[],
  ): Promise<Doc<T>[]> {
    if (page.length === 0) return [];
    const refs = page.flatMap((p) => (p.externalRef ? [p.externalRef] : []));
    return (await this.collection
      .find({
        accountId,
        $or: [
          { 'sync.acumaticaId': { $in: page.map((p) => p.acumaticaId) } },
          { 'sync.externalId': { $in: page.map((p) => p.externalId) } },
          ...(refs.length > 0 ? [{ externalRef: { $in: refs } }] : []),
        ],
      } as Filter<Stored>)
      .toArray()) as unknown as Doc<T>[];
  }

  private async findPulledMatch(accountId: string, pulled: PulledRecord<T>): Promise<Doc<T> | null> {
    const byId = await this.findByAcumaticaId(accountId, pulled.acumaticaId);
    if (byId) return byId;
    const byKey = await this.findByExternalId(accountId, pulled.externalId);
    if (byKey) return byKey;
    return pulled.externalRef ? this.findByExternalRef(accountId, pulled.externalRef) : null;
  }

  /** Inserts a pulled record; null when a racing writer inserted it first. */
  private async insertPulled(accountId: string, pulled: PulledRecord<T>): Promise<string | null> {
    const doc = this.pulledDoc(accountId, pulled);
    try {
      await this.collection.insertOne(doc as never);
      return doc._id;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      if (await this.collection.findOne({ _id: doc._id } as Filter<Stored>)) return null;
      throw new ConflictError(
        `externalRef ${doc.externalRef} is already used by another ${ENTITIES[this.type].label.toLowerCase()}`,
      );
    }
  }

  /**
   * Inserts pulled records that have no record of ours yet, in one command (a bulk first pull writes a
   * page at once instead of one insert per record). Returns, per input, the id of the inserted record, or
   * null for one that was not inserted (invalid fields, a racing writer, a taken external ref): apply those
   * one by one with {@link applyPulled}, which reports why.
   */
  async insertPulledMany(accountId: string, pulled: readonly PulledRecord<T>[]): Promise<(string | null)[]> {
    const out: (string | null)[] = pulled.map(() => null);
    const docs: { index: number; doc: ReturnType<RecordRepository<T>['pulledDoc']> }[] = [];
    pulled.forEach((p, index) => {
      try {
        docs.push({ index, doc: this.pulledDoc(accountId, p) });
      } catch {
        // Left to the one-by-one path, which fails the record with the validation message.
      }
    });
    if (docs.length === 0) return out;
    const failed = new Set<number>();
    try {
      await this.collection.insertMany(docs.map((d) => d.doc) as never[], { ordered: false });
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      // Unordered: every document without a write error was inserted.
      for (const e of [error.writeErrors].flat()) {
        if (!isDuplicateKeyError(e)) throw error;
        failed.add(e.index);
      }
    }
    docs.forEach((d, i) => {
      if (!failed.has(i)) out[d.index] = d.doc._id;
    });
    return out;
  }

  /** The document of a pulled record we do not have yet (state `synced`, id derived from Acumatica's). */
  private pulledDoc(accountId: string, pulled: PulledRecord<T>) {
    const fields = this.withLocationIds(
      parseOrThrow(this.spec.createInput, { ...pulled.fields, externalRef: pulled.externalRef }) as Record<
        string,
        unknown
      >,
    );
    const id = derivedId(this.spec.idPrefix, accountId, pulled.acumaticaId);
    const now = this.now();
    return {
      ...fields,
      _id: id,
      accountId,
      externalRef: pulled.externalRef ?? this.generatedRef(id),
      createdAt: now,
      updatedAt: now,
      rev: 1,
      sync: {
        state: 'synced',
        externalId: pulled.externalId,
        acumaticaId: pulled.acumaticaId,
        acumaticaModifiedAt: pulled.acumaticaModifiedAt,
        lastSyncedAt: now,
        lastSyncedHash: pulled.hash,
      },
      notes: [],
    };
  }

  private generatedRef(id: string): string {
    return `FS-${this.spec.refCode}-${shortId(id)}`;
  }

  /** Gives every customer location a stable id, so work orders can reference it. */
  private withLocationIds(fields: Record<string, unknown>): Record<string, unknown> {
    const locations = fields.locations;
    if (!Array.isArray(locations)) return fields;
    return {
      ...fields,
      locations: locations.map((l: { id?: string }) => (l.id ? l : { ...l, id: `loc_${randomToken(10)}` })),
    };
  }

  /** Checks that every referenced record exists in the same account (and a customer is not its own parent). */
  private async checkReferences(
    accountId: string,
    fields: Record<string, unknown>,
    selfId?: string,
  ): Promise<void> {
    const issues: FieldIssue[] = [];
    for (const rule of this.spec.references) {
      const refs: { field: string; id: string }[] = [];
      const [head, sub] = rule.field.split('.') as [string, string | undefined];
      const value = fields[head];
      if (sub === undefined) {
        if (typeof value === 'string') refs.push({ field: head, id: value });
      } else if (Array.isArray(value)) {
        value.forEach((item: Record<string, unknown>, index) => {
          const ref = item[sub];
          if (typeof ref === 'string') refs.push({ field: `${head}.${index}.${sub}`, id: ref });
        });
      }
      if (refs.length === 0) continue;
      const found = await findByIds(
        this.db,
        this.db.collection<Stored>(recordCollectionName(rule.target)),
        accountId,
        refs.map((r) => r.id),
      );
      const existing = new Set(found.map((d) => String(d._id)));
      const label = ENTITIES[rule.target].label.toLowerCase();
      for (const ref of refs) {
        if (ref.id === selfId && rule.target === this.type) {
          issues.push({ field: ref.field, message: `${ref.field} must not reference the record itself` });
        } else if (!existing.has(ref.id)) {
          issues.push({
            field: ref.field,
            message: `${ref.field} references ${label} ${ref.id}, which does not exist`,
          });
        }
      }
    }
    if (issues.length > 0) throw new ValidationError(issues);
  }

  private toQuery(accountId: string, filter: RecordFilter): Filter<Stored> {
    const clauses: Record<string, unknown>[] = [{ accountId }];
    if (filter.ids) clauses.push({ _id: { $in: [...filter.ids] } });
    if (filter.state !== undefined) {
      const states = typeof filter.state === 'string' ? [filter.state] : [...filter.state];
      clauses.push({ 'sync.state': { $in: states } });
    }
    if (filter.externalId !== undefined) {
      // The column as shown: "Do Not Send" hides the state and key of an excluded record.
      if (filter.externalId === EXTERNAL_ID_DO_NOT_SEND)
        clauses.push({ 'sync.doNotSend': { $exists: true } });
      else if (filter.externalId === EXTERNAL_ID_PENDING) clauses.push({ 'sync.state': 'pending' }, SENDABLE);
      else if (filter.externalId === EXTERNAL_ID_FAILED) clauses.push({ 'sync.state': 'failed' }, SENDABLE);
      else
        clauses.push(
          { 'sync.externalId': filter.externalId, 'sync.state': { $in: ['none', 'synced'] } },
          SENDABLE,
        );
    }
    if (filter.updatedSince) clauses.push({ updatedAt: { $gte: filter.updatedSince } });
    const text = filter.text?.trim();
    if (text) {
      const pattern = { $regex: escapeRegex(text), $options: 'i' };
      clauses.push({ $or: [...this.spec.searchFields, 'externalRef'].map((f) => ({ [f]: pattern })) });
    }
    return (clauses.length === 1 ? clauses[0] : { $and: clauses }) as Filter<Stored>;
  }

  private async page(query: Filter<Stored>, options: PageOptions): Promise<Page<Doc<T>>> {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
    const filter = options.after
      ? ({ $and: [query, { _id: { $gt: options.after } }] } as Filter<Stored>)
      : query;
    const docs = (await this.collection
      .find(filter)
      .sort({ _id: 1 })
      .limit(limit + 1)
      .toArray()) as unknown as Doc<T>[];
    const items = docs.slice(0, limit);
    const last = items.at(-1);
    return { items, nextCursor: docs.length > limit && last ? last._id : null };
  }
}

/**
 * The documents of the account with these ids (duplicates and missing ids skipped). One `$in` query on
 * MongoDB; on FerretDB one `_id` lookup each, because only a bare `{_id}` filter reaches its index and an
 * `$in` scans the whole collection (a page of lookups costs far less than one scan of a large collection).
 */
async function findByIds(
  db: Db,
  collection: Collection<Stored>,
  accountId: string,
  ids: readonly string[],
): Promise<Stored[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  if (!(await servedByFerretDB(db))) {
    return collection.find({ accountId, _id: { $in: unique } } as Filter<Stored>).toArray() as Promise<
      Stored[]
    >;
  }
  const docs = await Promise.all(unique.map((id) => collection.findOne({ _id: id } as Filter<Stored>)));
  return docs.filter((d): d is NonNullable<typeof d> => d?.accountId === accountId) as Stored[];
}

/** Every entity type's repository over one database. */
export type RecordRepositories = { readonly [T in EntityType]: RecordRepository<T> };

/** Builds the repositories of all eleven entity types. */
export function createRecordRepositories(db: Db, options: RecordRepositoryOptions = {}): RecordRepositories {
  const build = <T extends EntityType>(type: T) => new RecordRepository(db, type, options);
  return {
    customers: build('customers'),
    vendors: build('vendors'),
    products: build('products'),
    services: build('services'),
    'price-lists': build('price-lists'),
    projects: build('projects'),
    'work-orders': build('work-orders'),
    estimates: build('estimates'),
    'sales-orders': build('sales-orders'),
    'purchase-orders': build('purchase-orders'),
    invoices: build('invoices'),
  };
}

/**
 * The match of one pulled record among {@link RecordRepository.findPulledMatches}'s result, with the same
 * precedence as a single lookup: Acumatica id, then Acumatica key, then external ref.
 */
export function matchPulled<D extends RecordBase>(
  candidates: readonly D[],
  pulled: { acumaticaId: string; externalId: string; externalRef?: string | undefined },
): D | null {
  return (
    candidates.find((c) => c.sync.acumaticaId === pulled.acumaticaId) ??
    candidates.find((c) => c.sync.externalId === pulled.externalId) ??
    (pulled.externalRef ? candidates.find((c) => c.externalRef === pulled.externalRef) : undefined) ??
    null
  );
}
