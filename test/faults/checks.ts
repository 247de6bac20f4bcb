/**
 * The correctness checks every fault scenario ends with (design §8): zero duplicates in Acumatica, every
 * marked record `synced` (with a key that exists in Acumatica) or `failed` with a note, nothing lost.
 * Acumatica's side is read from the emulator's store, the field-service side from MongoDB.
 */
import assert from 'node:assert/strict';
import { ENTITIES, type EntityType } from '../../core/entities';
import type { RecordTypes } from '../../core/records';
import type { EmulatorAdmin, StoredRecord } from '../../emulator';
import type { Store } from '../../store';

export interface Tally {
  /** Extra Acumatica documents for one field-service record (same key or external reference). */
  duplicates: number;
  /** Marked records not settled, or synced to a key Acumatica does not have. */
  lost: number;
  /** Acumatica documents that belong to no record of the account. */
  orphans: number;
  recordsChecked: number;
  /** Readable lines for the first problems found. */
  problems: string[];
}

/** Asserts the tally counts none of `kinds` (all three unless named), showing the problems found. */
export function assertClean(
  tally: Tally,
  kinds: readonly ('duplicates' | 'lost' | 'orphans')[] = ['duplicates', 'lost', 'orphans'],
): void {
  for (const kind of kinds) assert.equal(tally[kind], 0, `${kind}:\n${tally.problems.join('\n')}`);
}

export const emptyTally = (): Tally => ({
  duplicates: 0,
  lost: 0,
  orphans: 0,
  recordsChecked: 0,
  problems: [],
});

export function addTally(a: Tally, b: Tally): Tally {
  return {
    duplicates: a.duplicates + b.duplicates,
    lost: a.lost + b.lost,
    orphans: a.orphans + b.orphans,
    recordsChecked: a.recordsChecked + b.recordsChecked,
    problems: [...a.problems, ...b.problems].slice(0, 20),
  };
}

/** The document type a pushed entity type writes, for entities that share an Acumatica entity. */
const DOCUMENT_TYPE: Partial<Record<EntityType, { field: string; value: string }>> = {
  'sales-orders': { field: 'OrderType', value: 'SO' },
  estimates: { field: 'OrderType', value: 'QT' },
};

const norm = (value: unknown): string =>
  String(value ?? '')
    .trim()
    .toUpperCase();

/** Every record of one type of the account, page by page. */
export async function allRecords<T extends EntityType>(
  store: Store,
  accountId: string,
  type: T,
): Promise<RecordTypes[T][]> {
  const out: RecordTypes[T][] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.records[type].list(accountId, { limit: 500, ...(after ? { after } : {}) });
    out.push(...page.items);
    if (!page.nextCursor) return out;
    after = page.nextCursor;
  }
}

/** Acumatica's documents of one pushed entity type (its document type only, when the entity is shared). */
export function acumaticaRecords(admin: EmulatorAdmin, type: EntityType): StoredRecord[] {
  const docType = DOCUMENT_TYPE[type];
  return admin
    .records(ENTITIES[type].acumaticaEntity)
    .filter((r) => !docType || r.values[docType.field] === docType.value);
}

/** The key a field-service record's `sync.externalId` holds for this Acumatica record. */
export function acumaticaKey(type: EntityType, record: StoredRecord): string {
  const key = ENTITIES[type].key;
  if (key.kind === 'client-chosen') return norm(record.values[key.keyField]);
  return key.keyFields.map((f) => norm(record.values[f])).join('/');
}

/**
 * Compares one pushed entity type on both sides. With `settled`, every marked record must be `synced` or
 * `failed` with a note (after a run); without it, only duplicates and dangling keys are counted.
 */
export async function checkPushed(
  store: Store,
  accountId: string,
  admin: EmulatorAdmin,
  type: EntityType,
  options: { settled: boolean } = { settled: true },
): Promise<Tally> {
  const tally = emptyTally();
  const problem = (line: string) => {
    if (tally.problems.length < 20) tally.problems.push(`${type}: ${line}`);
  };
  const def = ENTITIES[type];
  const docs = acumaticaRecords(admin, type);
  const records = await allRecords(store, accountId, type);

  // Duplicates: more than one Acumatica document for one key or one external reference.
  const groupBy = (value: (r: StoredRecord) => string) => {
    const groups = new Map<string, number>();
    for (const doc of docs) groups.set(value(doc), (groups.get(value(doc)) ?? 0) + 1);
    return groups;
  };
  const keys = new Set(docs.map((d) => acumaticaKey(type, d)));
  const groups =
    def.key.kind === 'auto-numbered'
      ? groupBy((d) => norm(d.values[(def.key as { externalRefField: string }).externalRefField]))
      : groupBy((d) => acumaticaKey(type, d));
  for (const [value, count] of groups) {
    if (count > 1) {
      tally.duplicates += count - 1;
      problem(`${count} Acumatica documents for ${value}`);
    }
  }

  const ours = new Set<string>();
  for (const record of records) {
    if (def.key.kind === 'auto-numbered') ours.add(norm(record.externalRef));
    if (record.sync.externalId) ours.add(norm(record.sync.externalId));
    if (record.sync.state === 'none') continue;
    tally.recordsChecked += 1;
    const { state, externalId } = record.sync;
    if (state === 'synced') {
      if (!externalId || !keys.has(norm(externalId))) {
        tally.lost += 1;
        problem(`${record._id} is synced to ${externalId ?? '(no key)'}, which Acumatica does not have`);
      }
    } else if (state === 'failed') {
      if (record.notes.length === 0 || !record.sync.lastError?.message) {
        tally.lost += 1;
        problem(`${record._id} failed without a note`);
      }
    } else if (options.settled) {
      tally.lost += 1;
      problem(`${record._id} is still ${state}`);
    }
  }
  for (const doc of docs) {
    const ref =
      def.key.kind === 'auto-numbered' ? norm(doc.values[def.key.externalRefField]) : acumaticaKey(type, doc);
    if (!ours.has(ref) && !ours.has(acumaticaKey(type, doc))) {
      tally.orphans += 1;
      problem(`Acumatica document ${acumaticaKey(type, doc)} belongs to no record`);
    }
  }
  return tally;
}

/** {@link checkPushed} over several entity types. */
export async function checkAccount(
  store: Store,
  accountId: string,
  admin: EmulatorAdmin,
  types: readonly EntityType[],
  options: { settled: boolean } = { settled: true },
): Promise<Tally> {
  let tally = emptyTally();
  for (const type of types)
    tally = addTally(tally, await checkPushed(store, accountId, admin, type, options));
  return tally;
}
