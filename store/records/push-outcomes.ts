/**
 * What a push writes back to a record: the push intent recorded before an auto-numbered document is
 * created, then the outcome — synced (Acumatica's key stored) or failed (the error and a failure note).
 * Each is guarded by the revision the push read, so an edit made during the push is never lost.
 */
import type { Filter, UpdateFilter } from 'mongodb';
import { ENTITIES, type EntityType } from '../../core/entities';
import type { Note, PushIntent, RecordBase } from '../../core/records';
import { ConcurrentUpdateError } from '../errors';
import { revisionOf } from '../../core/revisions';
import { truncate, updateEachGuarded, updateGuarded, type RecordContext, type Stored } from './context';
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

/** A push intent recorded for a record, and the revision its push's write-back must expect. */
export interface RecordedIntent {
  intent: PushIntent;
  rev: number;
}

/**
 * {@link recordPushIntent} for the creates of a page at once, in one `bulkWrite` before any of them is sent.
 * Only records without an intent get one. A record edited since the page read it is left out (its push
 * records its intent itself, by the single-record rules); so is one whose write cannot be told apart.
 * @returns the intents this call recorded, by record id
 */
export async function recordPushIntents<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  wanted: readonly { id: string; externalRef: string; runId: string; rev: number }[],
): Promise<Map<string, RecordedIntent>> {
  const recorded = new Map<string, RecordedIntent>();
  if (wanted.length === 0) return recorded;
  const startedAt = ctx.now();
  const intentOf = (w: (typeof wanted)[number]): PushIntent => ({
    externalRef: w.externalRef,
    runId: w.runId,
    startedAt,
  });
  const current = await updateEachGuarded(
    ctx,
    accountId,
    wanted.map((w) => ({
      id: w.id,
      guard: { rev: w.rev, withoutPushIntent: true },
      update: { $set: { 'sync.pushIntent': intentOf(w) } } as UpdateFilter<Stored>,
    })),
  );
  for (const w of wanted) {
    if (!current) {
      recorded.set(w.id, { intent: intentOf(w), rev: w.rev + 1 });
      continue;
    }
    // Some guard did not hold: keep only the intents read back one revision past the page's, as written.
    const now = current.get(w.id);
    const intent = now?.sync.pushIntent;
    if (
      now &&
      intent &&
      revisionOf(now) === w.rev + 1 &&
      intent.runId === w.runId &&
      intent.externalRef === w.externalRef &&
      new Date(intent.startedAt).getTime() === startedAt.getTime()
    ) {
      recorded.set(w.id, { intent, rev: w.rev + 1 });
    }
  }
  return recorded;
}

/** What a successful push writes back to one record. */
export interface SyncedOutcome {
  externalId: string;
  acumaticaId: string;
  acumaticaModifiedAt?: Date;
  hash: string;
  /** The revision the push read (or its own intent advanced to): the outcome's compare-and-set. */
  pushedRev?: number;
  /**
   * The merge base: the view of what was sent (core/merge.ts, core/document-merge.ts); left as it was
   * when not given, removed when null (a base that would no longer match Acumatica's rows).
   */
  base?: Record<string, unknown> | null;
}

/** The resulting state of a record after its outcome was written, or null when it does not exist. */
export type SyncedState = 'synced' | 'pending' | null;

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
  result: SyncedOutcome,
): Promise<SyncedState> {
  return (await markSyncedMany(ctx, accountId, [{ id, ...result }])).get(id) ?? null;
}

/**
 * {@link markSynced} for many records of one type in one `bulkWrite` (a push writes a page's outcomes
 * back together: one store command instead of one per record). Each record keeps its own compare-and-set.
 * When every guard held (the usual case) that is all; otherwise the records are read back to tell which
 * ones an edit raced, and those get the `pending` write of {@link markSynced} one by one. A record read
 * back at exactly one revision past the push's, `synced` with this hash and key, was written by this call.
 * (An edit landing between this write and the read-back makes the record look raced: it is left `pending`
 * and sent once more next run — a needless push, nothing lost.)
 * @returns each id's resulting state
 */
export async function markSyncedMany<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  outcomes: readonly (SyncedOutcome & { id: string })[],
): Promise<Map<string, SyncedState>> {
  const states = new Map<string, SyncedState>();
  if (outcomes.length === 0) return states;
  const at = ctx.now();
  const current = await updateEachGuarded(
    ctx,
    accountId,
    outcomes.map((o) => ({
      id: o.id,
      guard: o.pushedRev !== undefined ? { rev: o.pushedRev } : {},
      update: syncedUpdate(o, { 'sync.lastSyncedAt': at, 'sync.state': 'synced' }),
    })),
  );
  if (!current) {
    for (const o of outcomes) states.set(o.id, 'synced');
    return states;
  }
  for (const o of outcomes) {
    const now = current.get(o.id);
    if (!now) {
      states.set(o.id, null);
      continue;
    }
    const ours =
      o.pushedRev === undefined ||
      (revisionOf(now) === o.pushedRev + 1 &&
        now.sync.state === 'synced' &&
        now.sync.lastSyncedHash === o.hash &&
        now.sync.externalId === o.externalId);
    if (ours) {
      states.set(o.id, 'synced');
      continue;
    }
    const raced = await updateGuarded(ctx, accountId, o.id, {}, syncedUpdate(o, { 'sync.state': 'pending' }));
    states.set(o.id, raced ? 'pending' : null);
  }
  return states;
}

/** The update of a successful push: key, id, hash, base, the given state fields; error and intent cleared. */
function syncedUpdate(result: SyncedOutcome, state: Record<string, unknown>): UpdateFilter<Stored> {
  const set: Record<string, unknown> = {
    'sync.externalId': result.externalId,
    'sync.acumaticaId': result.acumaticaId,
    'sync.lastSyncedHash': result.hash,
  };
  if (result.acumaticaModifiedAt) set['sync.acumaticaModifiedAt'] = result.acumaticaModifiedAt;
  // What Acumatica now holds is what both sides agree on, even when an edit raced the push.
  if (result.base) set['sync.base'] = result.base;
  return {
    $set: { ...set, ...state },
    $unset: {
      'sync.pushIntent': '',
      'sync.lastError': '',
      ...(result.base === null ? { 'sync.base': '' } : {}),
    },
  } as UpdateFilter<Stored>;
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
