/**
 * What every part of the record repository shares: the collection of one entity type, its spec, the clock,
 * and the guarded write every change goes through. Every write is a single atomic update that advances the
 * record's revision (`rev`, core/revisions.ts); a writer that decided from what it read applies its write
 * only to that revision, so a change made in between is never overwritten.
 */
import type { Collection, Db, Filter, UpdateFilter } from 'mongodb';
import type { EntityType } from '../../core/entities';
import type { RecordBase, RecordSpec, RecordTypes } from '../../core/records';
import { revisionFilter } from '../../core/revisions';
import { randomToken, shortId } from '../ids';

/**
 * Compare-and-set attempts of an edit or a pull before giving up with ConcurrentUpdateError: every round
 * one of the racing writers wins, so this many writers racing on one record all get through.
 */
export const MAX_WRITE_ATTEMPTS = 20;
/** Notes and error messages are cut to this length: an Acumatica 422 echo can be large. */
const MAX_MESSAGE_LENGTH = 4000;
/** Matches records that are not excluded from pushes ("Do Not Send"). */
export const SENDABLE = { 'sync.doNotSend': { $exists: false } };
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

export type Doc<T extends EntityType> = RecordTypes[T];
/** The collection's view of a document: typed base fields, business fields by name. */
export type Stored = RecordBase & { [key: string]: unknown };

/** One entity type's collection and what its operations need: built once per repository. */
export interface RecordContext<T extends EntityType> {
  readonly db: Db;
  readonly type: T;
  readonly collection: Collection<Stored>;
  readonly spec: RecordSpec<T>;
  readonly now: () => Date;
}

/** Conditions a record must meet for a write to apply (compare-and-set). */
export interface WriteGuard {
  /** The record is still at this revision (nothing was written since it was read). */
  rev?: number;
  /** No push intent is recorded yet. */
  withoutPushIntent?: boolean;
}

export function truncate(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}

/** The update with the record's revision advanced: every write goes through here. */
export function withNextRevision(update: UpdateFilter<Stored>): UpdateFilter<Stored> {
  return { ...update, $inc: { rev: 1 } } as unknown as UpdateFilter<Stored>;
}

export function businessFields(doc: RecordBase): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !BASE_KEYS.has(key)));
}

export function scope(accountId: string, id?: string): Filter<Stored> {
  return (id === undefined ? { accountId } : { accountId, _id: id }) as Filter<Stored>;
}

/** The filter of one record of the account that meets `guard`. */
export function guarded(accountId: string, id: string, guard: WriteGuard): Filter<Stored> {
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
export async function updateGuarded<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  id: string,
  guard: WriteGuard,
  update: UpdateFilter<Stored>,
): Promise<boolean> {
  const result = await ctx.collection.updateOne(guarded(accountId, id, guard), withNextRevision(update));
  return result.matchedCount === 1;
}

/** One record's guarded update in a bulk write. */
export interface GuardedUpdate {
  id: string;
  guard: WriteGuard;
  update: UpdateFilter<Stored>;
}

/**
 * Guarded updates of many records of the account in one `bulkWrite` (one store command), each its own
 * compare-and-set advancing that record's revision, as {@link updateGuarded} does for one.
 * @returns null when every guard held; otherwise the records as they are now, by id (a missing one was
 *   deleted), so the caller can tell which of its updates applied: a bulk write reports only how many did
 */
export async function updateEachGuarded<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  updates: readonly GuardedUpdate[],
): Promise<Map<string, Stored> | null> {
  if (updates.length === 0) return null;
  const written = await ctx.collection.bulkWrite(
    updates.map((u) => ({
      updateOne: { filter: guarded(accountId, u.id, u.guard), update: withNextRevision(u.update) },
    })),
    { ordered: false },
  );
  if (written.matchedCount === updates.length) return null;
  const now = await findByIds(
    ctx.collection,
    accountId,
    updates.map((u) => u.id),
  );
  return new Map(now.map((r) => [r._id, r]));
}

export function generatedRef<T extends EntityType>(ctx: RecordContext<T>, id: string): string {
  return `FS-${ctx.spec.refCode}-${shortId(id)}`;
}

/** Gives every customer location a stable id, so work orders can reference it. */
export function withLocationIds(fields: Record<string, unknown>): Record<string, unknown> {
  const locations = fields.locations;
  if (!Array.isArray(locations)) return fields;
  return {
    ...fields,
    locations: locations.map((l: { id?: string }) => (l.id ? l : { ...l, id: `loc_${randomToken(10)}` })),
  };
}

/**
 * The documents of the account with these ids (duplicates and missing ids skipped), in one `$in` query:
 * a search of the `_id` index on MongoDB and on the project's FerretDB (decision 0015).
 */
export async function findByIds(
  collection: Collection<Stored>,
  accountId: string,
  ids: readonly string[],
): Promise<Stored[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  return collection.find({ accountId, _id: { $in: unique } } as Filter<Stored>).toArray() as Promise<
    Stored[]
  >;
}
