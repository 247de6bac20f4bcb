/**
 * Applying records pulled from Acumatica: match each to ours (Acumatica id, then key, then external ref),
 * insert the ones we do not have (a page at a time on a first pull), and overwrite existing ones only as
 * last-modified-wins says (core/sync-state.ts `decidePull`).
 */
import { MongoBulkWriteError, type Filter, type UpdateFilter } from 'mongodb';
import { ENTITIES, type EntityType } from '../../core/entities';
import type { CreateInputs, Note, RecordBase } from '../../core/records';
import { revisionOf } from '../../core/revisions';
import { decidePull } from '../../core/sync-state';
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
}

export interface PullResult {
  outcome: 'created' | 'updated' | 'unchanged';
  id: string;
  /** Why nothing was written: identical content, a version already seen, or a newer local edit. */
  reason?: 'identical' | 'already-seen' | 'local-newer';
}

/**
 * Upserts a record pulled from Acumatica. Finds ours by Acumatica id, then key, then external ref;
 * creates it (state `synced`) when none exists, with an id derived from the Acumatica id so two racing
 * pulls cannot create two. An existing record is overwritten only as {@link decidePull} says
 * (last-modified wins; identical content writes nothing). Compare-and-set on the revision read, so a
 * local edit racing the pull is decided on again, never silently lost.
 * @param known our matching record when the caller already looked it up for a whole page (null: none)
 * @throws ValidationError when the mapped fields are invalid
 */
export async function applyPulled<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  pulled: PulledRecord<T>,
  known?: Doc<T> | null,
): Promise<PullResult> {
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const existing =
      attempt === 0 && known !== undefined ? known : await findPulledMatch(ctx, accountId, pulled);
    if (!existing) {
      const created = await insertPulled(ctx, accountId, pulled);
      if (created) return { outcome: 'created', id: created };
      continue;
    }
    const decision = decidePull(existing, pulled);
    if (decision.action === 'skip')
      return { outcome: 'unchanged', id: existing._id, reason: decision.reason };

    const given = pulled.fields as Record<string, unknown>;
    const merged = { ...businessFields(existing), ...given, externalRef: existing.externalRef };
    const validated = withLocationIds(parseOrThrow(ctx.spec.createInput, merged) as Record<string, unknown>);
    const now = ctx.now();
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
      await updateGuarded(
        ctx,
        accountId,
        existing._id,
        { rev: revisionOf(existing) },
        update as UpdateFilter<Stored>,
      )
    )
      return { outcome: 'updated', id: existing._id };
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
    },
    notes: [],
  };
}
