/**
 * What a push writes back to a record: the push intent recorded before an auto-numbered document is
 * created, then the outcome — synced (Acumatica's key stored) or failed (the error and a failure note).
 * Each is guarded by the revision the push read, so an edit made during the push is never lost.
 */
import type { Filter, UpdateFilter } from 'mongodb';
import { ENTITIES, type EntityType } from '../../core/entities';
import type { Note, PushIntent, RecordBase } from '../../core/records';
import { ConcurrentUpdateError } from '../errors';
import { truncate, updateGuarded, type RecordContext, type Stored } from './context';
import { get } from './queries';

/**
 * Records that creation of an auto-numbered document is about to be sent, before the PUT, so a retry
 * after a crash or a lost response looks the document up by `externalRef` instead of creating another.
 * Only the first intent is kept: a retry gets the original back with `created: false`.
 * @param intent.rev the revision the push read
 * @returns the intent, and the revision the push's write-back must expect: one past `intent.rev` when
 *   only this intent was written since, else `intent.rev` itself (the record changed in between, so the
 *   write-back leaves it pending); null when the record does not exist in this account
 */
export async function recordPushIntent<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  id: string,
  intent: { externalRef: string; runId: string; rev: number },
): Promise<{ intent: PushIntent; created: boolean; rev: number } | null> {
  const fresh: PushIntent = { externalRef: intent.externalRef, runId: intent.runId, startedAt: ctx.now() };
  const update = { $set: { 'sync.pushIntent': fresh } } as UpdateFilter<Stored>;
  if (await updateGuarded(ctx, accountId, id, { rev: intent.rev, withoutPushIntent: true }, update))
    return { intent: fresh, created: true, rev: intent.rev + 1 };
  // Changed since the push read it: the intent still guards the create, whatever else changed.
  if (await updateGuarded(ctx, accountId, id, { withoutPushIntent: true }, update))
    return { intent: fresh, created: true, rev: intent.rev };
  const current = await get(ctx, accountId, id);
  if (!current) return null;
  if (!current.sync.pushIntent)
    throw new ConcurrentUpdateError(`${ENTITIES[ctx.type].label} ${id} changed during the push`);
  return { intent: current.sync.pushIntent, created: false, rev: intent.rev };
}

/**
 * A push succeeded: stores the Acumatica key, id, modified time, payload hash and merge base, clears the error and
 * the push intent. With `pushedRev`, the revision the push read (or its own intent advanced to), the
 * record becomes `synced` only if nothing changed since; when it was edited (or re-marked) in between
 * it stays `pending` so its newer content goes out next run, yet the key and what Acumatica now holds
 * are stored: the next push updates that document instead of creating another, and a pull of our own
 * PUT is recognised. Its last-synced time is left alone, so the edit still counts as local.
 * @returns the resulting state, or null when the record does not exist in this account
 */
export async function markSynced<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  id: string,
  result: {
    externalId: string;
    acumaticaId: string;
    acumaticaModifiedAt?: Date;
    hash: string;
    pushedRev?: number;
    /**
     * The merge base: the view of what was sent (core/merge.ts, core/document-merge.ts); left as it was
     * when not given, removed when null (a base that would no longer match Acumatica's rows).
     */
    base?: Record<string, unknown> | null;
  },
): Promise<'synced' | 'pending' | null> {
  const set: Record<string, unknown> = {
    'sync.externalId': result.externalId,
    'sync.acumaticaId': result.acumaticaId,
    'sync.lastSyncedHash': result.hash,
  };
  if (result.acumaticaModifiedAt) set['sync.acumaticaModifiedAt'] = result.acumaticaModifiedAt;
  // What Acumatica now holds is what both sides agree on, even when an edit raced the push.
  if (result.base) set['sync.base'] = result.base;
  const unset = {
    'sync.pushIntent': '',
    'sync.lastError': '',
    ...(result.base === null ? { 'sync.base': '' } : {}),
  };
  const guard = result.pushedRev !== undefined ? { rev: result.pushedRev } : {};
  const synced = await updateGuarded(ctx, accountId, id, guard, {
    $set: { ...set, 'sync.lastSyncedAt': ctx.now(), 'sync.state': 'synced' },
    $unset: unset,
  } as UpdateFilter<Stored>);
  if (synced) return 'synced';
  if (result.pushedRev === undefined) return null;
  const raced = await updateGuarded(ctx, accountId, id, {}, {
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
export async function markFailed<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  id: string,
  error: { message: string; code: string; runId: string; rev?: number },
): Promise<'failed' | 'pending' | null> {
  const at = ctx.now();
  const message = truncate(error.message);
  const note: Note = { at, text: `Sync failed: ${message}`, author: 'sync', runId: error.runId };
  // A page retried after a heartbeat fails the same record again: its note is written once per run.
  const current = (await ctx.collection.findOne({ accountId, _id: id } as Filter<Stored>, {
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
  if (await updateGuarded(ctx, accountId, id, guard, update('failed'))) return 'failed';
  if (error.rev === undefined) return null;
  return (await updateGuarded(ctx, accountId, id, {}, update('pending'))) ? 'pending' : null;
}

/** Appends a note. @returns false when the record does not exist in this account */
export async function addNote<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  id: string,
  note: { text: string; author: Note['author']; runId?: string },
): Promise<boolean> {
  const entry: Note = { at: ctx.now(), text: truncate(note.text), author: note.author };
  if (note.runId) entry.runId = note.runId;
  return updateGuarded(ctx, accountId, id, {}, {
    $push: { notes: entry },
  } as unknown as UpdateFilter<Stored>);
}
