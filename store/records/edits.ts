/**
 * Creating, editing and deleting records through the API. An edit keeps the sync state (editing a synced
 * record does not mark it for export) and is a compare-and-set on the revision it read.
 */
import { isDeepStrictEqual } from 'node:util';
import type { UpdateFilter } from 'mongodb';
import { ENTITIES, type EntityType } from '../../core/entities';
import type { CreateInputs, UpdateInputs } from '../../core/records';
import { ifMatchHolds, revisionOf, type IfMatch } from '../../core/revisions';
import { parseOrThrow } from '../../core/validation';
import {
  ConcurrentUpdateError,
  ConflictError,
  PreconditionFailedError,
  isDuplicateKeyError,
} from '../errors';
import { newId } from '../ids';
import {
  MAX_WRITE_ATTEMPTS,
  businessFields,
  generatedRef,
  guarded,
  scope,
  withLocationIds,
  withNextRevision,
  type Doc,
  type RecordContext,
  type Stored,
} from './context';
import { get } from './queries';
import { checkReferences } from './references';

/**
 * Creates a record (sync state `none`). Validates the input, checks that referenced records exist in
 * the same account, generates the id, location ids and the external ref when not given.
 * @throws ValidationError for bad input or a missing reference; ConflictError for a taken externalRef
 */
export async function create<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  input: CreateInputs[T],
): Promise<Doc<T>> {
  const fields = parseOrThrow(ctx.spec.createInput, input) as Record<string, unknown>;
  await checkReferences(ctx, accountId, fields);
  const id = newId(ctx.spec.idPrefix);
  const now = ctx.now();
  const doc = {
    ...withLocationIds(fields),
    _id: id,
    accountId,
    externalRef: (fields.externalRef as string | undefined) ?? generatedRef(ctx, id),
    createdAt: now,
    updatedAt: now,
    rev: 1,
    sync: { state: 'none' },
    notes: [],
  } as unknown as Doc<T>;
  try {
    await ctx.collection.insertOne(doc as never);
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      throw new ConflictError(
        `externalRef ${doc.externalRef} is already used by another ${ENTITIES[ctx.type].label.toLowerCase()}`,
      );
    }
    throw error;
  }
  return doc;
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
export async function update<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  id: string,
  input: UpdateInputs[T],
  options: { ifMatch?: IfMatch },
): Promise<Doc<T> | null> {
  const patch = parseOrThrow(ctx.spec.updateInput, input) as Record<string, unknown>;
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const current = await get(ctx, accountId, id);
    if (!current) return null;
    const rev = revisionOf(current);
    if (options.ifMatch && !ifMatchHolds(options.ifMatch, rev)) {
      throw new PreconditionFailedError(
        `${ENTITIES[ctx.type].label} ${id} is at revision ${rev} (ETag "${rev}"), not the one given in If-Match: read it again`,
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
    const validated = withLocationIds(parseOrThrow(ctx.spec.createInput, merged) as Record<string, unknown>);
    const changed = Object.keys(patch).filter(
      (key) =>
        patch[key] !== undefined &&
        !isDeepStrictEqual(validated[key], (current as unknown as Record<string, unknown>)[key]),
    );
    if (changed.length === 0) return current;
    await checkReferences(ctx, accountId, Object.fromEntries(changed.map((k) => [k, validated[k]])), id);

    const set: Record<string, unknown> = {};
    const unset: Record<string, ''> = {};
    for (const key of changed) {
      if (validated[key] === undefined) unset[key] = '';
      else set[key] = validated[key];
    }
    // Strictly later than before: last-modified-wins compares it with Acumatica's modified time.
    set.updatedAt = new Date(Math.max(ctx.now().getTime(), current.updatedAt.getTime() + 1));
    const change: UpdateFilter<Stored> = { $set: set as never };
    if (Object.keys(unset).length > 0) change.$unset = unset as never;
    // The answer is the document this very write produced, not a copy merged here.
    const stored = await ctx.collection.findOneAndUpdate(
      guarded(accountId, id, { rev }),
      withNextRevision(change),
      { returnDocument: 'after' },
    );
    if (stored) return stored as unknown as Doc<T>;
  }
  throw new ConcurrentUpdateError(`${ENTITIES[ctx.type].label} ${id} kept changing; try again`);
}

/** Deletes a record; true when it existed in this account. */
export async function remove<T extends EntityType>(
  ctx: RecordContext<T>,
  accountId: string,
  id: string,
): Promise<boolean> {
  const result = await ctx.collection.deleteOne(scope(accountId, id));
  return result.deletedCount === 1;
}
