/**
 * Reading records: one by id or by an Acumatica key, lists with filters in keyset pages, counts, and the
 * candidates of a push. Every query carries `accountId`, so an account never reads another's records.
 */
import type { Filter } from 'mongodb';
import type { EntityType, SyncState } from '../../core/entities';
import { EXTERNAL_ID_DO_NOT_SEND, EXTERNAL_ID_FAILED, EXTERNAL_ID_PENDING } from '../../core/records';
import { SENDABLE, findByIds, scope, type Doc, type RecordContext, type Stored } from './context';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

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

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The record, or null when it does not exist in this account. Looked up by `_id` alone and checked for
 * the account afterwards: FerretDB serves only a bare `{_id}` filter from its primary key and scans the
 * collection for any other filter (MongoDB is fast either way).
 */
export async function get<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  id: string,
): Promise<Doc<T> | null> {
  const doc = (await ctx.collection.findOne({ _id: id } as Filter<Stored>)) as Doc<T> | null;
  return doc?.accountId === accountId ? doc : null;
}

/** The records with these ids that exist in this account (missing ids are skipped). */
export async function getMany<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  ids: readonly string[],
): Promise<Doc<T>[]> {
  return (await findByIds(ctx.collection, accountId, ids)) as unknown as Doc<T>[];
}

/** The record with this Acumatica key (External ID), if any. */
export async function findByExternalId<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  externalId: string,
): Promise<Doc<T> | null> {
  return (await ctx.collection.findOne({
    accountId,
    'sync.externalId': externalId,
  } as Filter<Stored>)) as Doc<T> | null;
}

/** The records with these Acumatica keys (External IDs), in one query; keys without a record are skipped. */
export async function findByExternalIds<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  externalIds: readonly string[],
): Promise<Doc<T>[]> {
  if (externalIds.length === 0) return [];
  return (await ctx.collection
    .find({ accountId, 'sync.externalId': { $in: [...externalIds] } } as Filter<Stored>)
    .toArray()) as unknown as Doc<T>[];
}

/** The record with this Acumatica GUID, if any. */
export async function findByAcumaticaId<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  acumaticaId: string,
): Promise<Doc<T> | null> {
  return (await ctx.collection.findOne({
    accountId,
    'sync.acumaticaId': acumaticaId,
  } as Filter<Stored>)) as Doc<T> | null;
}

/** The record with this external ref, if any. */
export async function findByExternalRef<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  externalRef: string,
): Promise<Doc<T> | null> {
  return (await ctx.collection.findOne({ accountId, externalRef } as Filter<Stored>)) as Doc<T> | null;
}

/** Lists records matching `filter`, ordered by id, one keyset page at a time. */
export async function list<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  filter: RecordFilter & PageOptions,
): Promise<Page<Doc<T>>> {
  return page(ctx, toQuery(ctx, accountId, filter), filter);
}

/** Counts records matching `filter`. */
export async function count<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  filter: RecordFilter,
): Promise<number> {
  return ctx.collection.countDocuments(toQuery(ctx, accountId, filter));
}

/**
 * Records a push should send, by id: `pending` only (incremental runs) or every record (full runs).
 * Records marked "Do Not Send" are never candidates.
 */
export async function listPushCandidates<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  options: { scope: 'pending' | 'all' } & PageOptions,
): Promise<Page<Doc<T>>> {
  const query =
    options.scope === 'pending' ? toQuery(ctx, accountId, { state: 'pending' }) : scope(accountId);
  return page(ctx, { $and: [query, SENDABLE] } as Filter<Stored>, options);
}

/** The query of the account's records matching `filter`. */
export function toQuery<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  filter: RecordFilter,
): Filter<Stored> {
  const clauses: Record<string, unknown>[] = [{ accountId }];
  if (filter.ids) clauses.push({ _id: { $in: [...filter.ids] } });
  if (filter.state !== undefined) {
    const states = typeof filter.state === 'string' ? [filter.state] : [...filter.state];
    clauses.push({ 'sync.state': { $in: states } });
  }
  if (filter.externalId !== undefined) {
    // The column as shown: "Do Not Send" hides the state and key of an excluded record.
    if (filter.externalId === EXTERNAL_ID_DO_NOT_SEND) clauses.push({ 'sync.doNotSend': { $exists: true } });
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
    clauses.push({ $or: [...ctx.spec.searchFields, 'externalRef'].map((f) => ({ [f]: pattern })) });
  }
  return (clauses.length === 1 ? clauses[0] : { $and: clauses }) as Filter<Stored>;
}

async function page<T extends EntityType>(
  ctx: RecordContext<T>,
  query: Filter<Stored>,
  options: PageOptions,
): Promise<Page<Doc<T>>> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
  const filter = options.after
    ? ({ $and: [query, { _id: { $gt: options.after } }] } as Filter<Stored>)
    : query;
  const docs = (await ctx.collection
    .find(filter)
    .sort({ _id: 1 })
    .limit(limit + 1)
    .toArray()) as unknown as Doc<T>[];
  const items = docs.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: docs.length > limit && last ? last._id : null };
}
