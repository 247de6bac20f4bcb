/**
 * Applying records pulled from Acumatica: match each to ours (Acumatica id, then key, then external ref),
 * insert the ones we do not have (a page at a time on a first pull), and merge Acumatica's changes into
 * existing ones field by field (core/sync-state.ts `decidePullMerge`, core/merge.ts).
 */
import { MongoBulkWriteError, type Filter, type UpdateFilter } from 'mongodb';
import { ENTITIES, type EntityType } from '../../core/entities';
import type { CreateInputs, Note, RecordBase } from '../../core/records';
import { conflictNote, plainView, type SyncView } from '../../core/merge';
import { baseAfterPull, type RecordMergeSpec } from '../../core/merge-record';
import { revisionOf } from '../../core/revisions';
import { decidePullMerge } from '../../core/sync-state';
import { parseOrThrow } from '../../core/validation';
import { ConcurrentUpdateError, ConflictError, isDuplicateKeyError } from '../errors';
import { derivedId } from '../ids';
import {
  MAX_WRITE_ATTEMPTS,
  businessFields,
  generatedRef,
  updateGuarded,
  withLocationIds,
  type Doc,
  type RecordContext,
  type Stored,
} from './context';
import { findByAcumaticaId, findByExternalId, findByExternalRef } from './queries';

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
  /**
   * What the field-level merge compares (the mapper's view): of these fields, and of a stored record.
   * Without it the store cannot merge: the whole-record rule applies to the given fields, and no base is
   * kept.
   */
  view?: { fields: SyncView; of: (record: object) => SyncView; spec: RecordMergeSpec };
}

export interface PullResult {
  outcome: 'created' | 'updated' | 'unchanged';
  id: string;
  /** Why nothing was written: identical content, a version already seen, or a newer local edit. */
  reason?: 'identical' | 'already-seen' | 'local-newer';
  /** The business fields the write changed, as stored (on `updated`). */
  written?: Record<string, unknown>;
  /** Our record keeps changes Acumatica does not have, so it is (still) marked for export. */
  pending?: boolean;
}

/** The view of a pull that brings none: the given fields as they are (whole-record rule, no base). */
function viewOf<T extends EntityType>(pulled: PulledRecord<T>): NonNullable<PulledRecord<T>['view']> {
  if (pulled.view) return pulled.view;
  const keys = Object.keys(pulled.fields);
  const of = (record: object) =>
    plainView(Object.fromEntries(keys.map((k) => [k, (record as Record<string, unknown>)[k]])));
  return { fields: of(pulled.fields), of, spec: {} };
}

/**
 * Upserts a record pulled from Acumatica. Finds ours by Acumatica id, then key, then external ref;
 * creates it (state `synced`) when none exists, with an id derived from the Acumatica id so two racing
 * pulls cannot create two. An existing record is merged as {@link decidePullMerge} says: field by field
 * against its base (Acumatica's changes written, ours kept and the record left pending, conflicts to the
 * newer side with a note each), or by the whole-record rule once for a record without a base; identical
 * content writes nothing. The merge, the base and the notes are one compare-and-set on the revision read,
 * so a local edit racing the pull is merged again, never silently lost.
 * @param known our matching record when the caller already looked it up for a whole page (null: none)
 * @throws ValidationError when the mapped fields are invalid
 */
export async function applyPulled<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  pulled: PulledRecord<T>,
  known?: Doc<T> | null,
): Promise<PullResult> {
  const view = viewOf(pulled);
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const existing =
      attempt === 0 && known !== undefined ? known : await findPulledMatch(ctx, accountId, pulled);
    if (!existing) {
      const created = await insertPulled(ctx, accountId, pulled);
      if (created) return { outcome: 'created', id: created };
      continue;
    }
    const current = businessFields(existing);
    const given = pulled.fields as Record<string, unknown>;
    const { base, ...sync } = existing.sync;
    const decision = decidePullMerge(
      {
        updatedAt: existing.updatedAt,
        sync: pulled.view && base ? { ...sync, base } : sync,
        fields: current,
        view: view.of(existing),
      },
      {
        acumaticaModifiedAt: pulled.acumaticaModifiedAt,
        hash: pulled.hash,
        fields: given,
        view: view.fields,
      },
      view.spec,
    );
    if (decision.action === 'skip')
      return { outcome: 'unchanged', id: existing._id, reason: decision.reason };

    const merged: Record<string, unknown> = { ...current, externalRef: existing.externalRef };
    for (const [key, value] of Object.entries(decision.fields)) {
      if (value === undefined) delete merged[key];
      else merged[key] = value;
    }
    const validated = withLocationIds(parseOrThrow(ctx.spec.createInput, merged) as Record<string, unknown>);
    const now = ctx.now();
    const changed = Object.keys(decision.fields).filter((key) => key !== 'externalRef');
    // Ours still differs from Acumatica's: a synced record goes out again; a failed one stays failed (and
    // one never marked stays unmarked) until marked, as the push rules say.
    const state = !decision.pending
      ? 'synced'
      : existing.sync.state === 'synced'
        ? 'pending'
        : existing.sync.state;
    const set: Record<string, unknown> = {
      'sync.state': state,
      'sync.externalId': pulled.externalId,
      'sync.acumaticaId': pulled.acumaticaId,
      'sync.acumaticaModifiedAt': pulled.acumaticaModifiedAt,
      'sync.lastSyncedAt': now,
      'sync.lastSyncedHash': pulled.hash,
    };
    if (pulled.view) set['sync.base'] = baseAfterPull(view.fields, decision.merged, view.of(validated));
    // Our record changes only when something of Acumatica's was taken.
    if (changed.length > 0) set.updatedAt = now;
    const unset: Record<string, ''> = state === 'failed' ? {} : { 'sync.lastError': '' };
    const written: Record<string, unknown> = {};
    for (const key of changed) {
      written[key] = validated[key];
      if (validated[key] === undefined) unset[key] = '';
      else set[key] = validated[key];
    }
    const notes: Note[] = decision.conflicts.map((c) => ({ at: now, text: conflictNote(c), author: 'sync' }));
    if (decision.overwritesLocalEdit) {
      notes.push({
        at: now,
        text: `Acumatica's newer copy (modified ${pulled.acumaticaModifiedAt.toISOString()}) replaced local changes`,
        author: 'sync',
      });
    }
    const update: Record<string, unknown> = { $set: set };
    if (Object.keys(unset).length > 0) update.$unset = unset;
    if (notes.length > 0) update.$push = { notes: { $each: notes } };
    if (
      await updateGuarded(
        ctx,
        accountId,
        existing._id,
        { rev: revisionOf(existing) },
        update as UpdateFilter<Stored>,
      )
    )
      return { outcome: 'updated', id: existing._id, written, pending: decision.pending };
  }
  throw new ConcurrentUpdateError(
    `${ENTITIES[ctx.type].label} ${pulled.externalId} kept changing during the pull`,
  );
}

/**
 * Our records matching a page of pulled records, in one query: by Acumatica id, Acumatica key or external
 * ref. Use {@link matchPulled} to pick each pulled record's match from the result.
 */
export async function findPulledMatches<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  page: readonly Pick<PulledRecord<T>, 'acumaticaId' | 'externalId' | 'externalRef'>[],
): Promise<Doc<T>[]> {
  if (page.length === 0) return [];
  const refs = page.flatMap((p) => (p.externalRef ? [p.externalRef] : []));
  return (await ctx.collection
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

/**
 * The match of one pulled record among {@link findPulledMatches}'s result, with the same precedence as a
 * single lookup: Acumatica id, then Acumatica key, then external ref.
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

async function findPulledMatch<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  pulled: PulledRecord<T>,
): Promise<Doc<T> | null> {
  const byId = await findByAcumaticaId(ctx, accountId, pulled.acumaticaId);
  if (byId) return byId;
  const byKey = await findByExternalId(ctx, accountId, pulled.externalId);
  if (byKey) return byKey;
  return pulled.externalRef ? findByExternalRef(ctx, accountId, pulled.externalRef) : null;
}

/** Inserts a pulled record; null when a racing writer inserted it first. */
async function insertPulled<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  pulled: PulledRecord<T>,
): Promise<string | null> {
  const doc = pulledDoc(ctx, accountId, pulled);
  try {
    await ctx.collection.insertOne(doc as never);
    return doc._id;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    if (await ctx.collection.findOne({ _id: doc._id } as Filter<Stored>)) return null;
    throw new ConflictError(
      `externalRef ${doc.externalRef} is already used by another ${ENTITIES[ctx.type].label.toLowerCase()}`,
    );
  }
}

/**
 * Inserts pulled records that have no record of ours yet, in one command (a bulk first pull writes a
 * page at once instead of one insert per record). Returns, per input, the id of the inserted record, or
 * null for one that was not inserted (invalid fields, a racing writer, a taken external ref): apply those
 * one by one with {@link applyPulled}, which reports why.
 */
export async function insertPulledMany<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  pulled: readonly PulledRecord<T>[],
): Promise<(string | null)[]> {
  const out: (string | null)[] = pulled.map(() => null);
  const docs: { index: number; doc: ReturnType<typeof pulledDoc> }[] = [];
  pulled.forEach((p, index) => {
    try {
      docs.push({ index, doc: pulledDoc(ctx, accountId, p) });
    } catch {
      // Left to the one-by-one path, which fails the record with the validation message.
    }
  });
  if (docs.length === 0) return out;
  const failed = new Set<number>();
  try {
    await ctx.collection.insertMany(docs.map((d) => d.doc) as never[], { ordered: false });
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
function pulledDoc<T extends EntityType>(ctx: RecordContext<T>, accountId: string, pulled: PulledRecord<T>) {
  const fields = withLocationIds(
    parseOrThrow(ctx.spec.createInput, { ...pulled.fields, externalRef: pulled.externalRef }) as Record<
      string,
      unknown
    >,
  );
  const id = derivedId(ctx.spec.idPrefix, accountId, pulled.acumaticaId);
  const view = viewOf(pulled);
  const now = ctx.now();
  return {
    ...fields,
    _id: id,
    accountId,
    externalRef: pulled.externalRef ?? generatedRef(ctx, id),
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
      ...(pulled.view ? { base: baseAfterPull(view.fields, view.fields, view.of(fields)) } : {}),
    },
    notes: [],
  };
}
