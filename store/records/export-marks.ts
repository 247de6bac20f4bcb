/**
 * What a push sends: "Export to Acumatica" marks records `pending`; "Do Not Send" excludes a record from
 * every push until cleared.
 */
import type { Filter, UpdateFilter } from 'mongodb';
import { ENTITIES, type EntityType } from '../../core/entities';
import { isPushable, type DoNotSend } from '../../core/records';
import { UnsupportedOperationError } from '../errors';
import {
  SENDABLE,
  truncate,
  updateGuarded,
  withNextRevision,
  type RecordContext,
  type Stored,
} from './context';
import { get, toQuery, type RecordFilter } from './queries';

/**
 * "Export to Acumatica": marks the records with these ids, or every record matching the filter,
 * `pending` (External ID shows "Pending"). Failed and synced records are re-marked; records already
 * pending are left alone, and so are records excluded with "Do Not Send" (the API refuses to mark those
 * by id). One update, atomic per record.
 * @returns how many records changed to pending
 * @throws UnsupportedOperationError for pull-only entity types
 */
export async function markForExport<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  target: { ids: readonly string[] } | { filter: RecordFilter },
): Promise<number> {
  if (!isPushable(ctx.type)) {
    throw new UnsupportedOperationError(
      `${ENTITIES[ctx.type].label} records come from Acumatica and cannot be exported`,
    );
  }
  const query =
    'ids' in target ? toQuery(ctx, accountId, { ids: target.ids }) : toQuery(ctx, accountId, target.filter);
  // Atomic per document on both stores, so an edit racing the mark is kept (and a push in flight sees
  // the new revision and leaves the record pending).
  const result = await ctx.collection.updateMany(
    { $and: [query, { 'sync.state': { $ne: 'pending' } }, SENDABLE] } as Filter<Stored>,
    withNextRevision({ $set: { 'sync.state': 'pending' } } as UpdateFilter<Stored>),
  );
  return result.modifiedCount;
}

/**
 * "Do Not Send": excludes the record from every push (marked and full runs, "sync now", cascades as a
 * dependency not yet in Acumatica) until {@link clearDoNotSend}. The sync state is kept, so a record that
 * was marked goes out again once the exclusion is cleared; pulls keep updating it. Setting it again
 * keeps the first date and replaces the reason.
 * @returns the exclusion, or null when the record does not exist in this account
 */
export async function setDoNotSend<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  id: string,
  options: { reason?: string },
): Promise<DoNotSend | null> {
  const current = await get(ctx, accountId, id);
  if (!current) return null;
  const exclusion: DoNotSend = {
    at: current.sync.doNotSend?.at ?? ctx.now(),
    ...(options.reason ? { reason: truncate(options.reason) } : {}),
  };
  const updated = await updateGuarded(ctx, accountId, id, {}, {
    $set: { 'sync.doNotSend': exclusion },
  } as UpdateFilter<Stored>);
  return updated ? exclusion : null;
}

/**
 * Clears "Do Not Send": the record is pushed again by the rules of its sync state.
 * @returns false when the record does not exist in this account
 */
export async function clearDoNotSend<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  id: string,
): Promise<boolean> {
  return updateGuarded(ctx, accountId, id, {}, {
    $unset: { 'sync.doNotSend': '' },
  } as UpdateFilter<Stored>);
}
