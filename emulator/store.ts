/**
 * In-memory record store of the emulator, shared by every endpoint version (the version only decides which
 * fields are visible). Optional JSON persistence to one file.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { ucase, type Plain } from './values';

/** One stored object: a top-level record, a linked entity or a detail row. */
export interface RecordNode {
  id: string;
  values: Record<string, Plain>;
  linked: Record<string, RecordNode>;
  details: Record<string, RecordNode[]>;
  note: string;
}

/** A top-level record. */
export interface StoredRecord extends RecordNode {
  entity: string;
}

interface Snapshot {
  records: StoredRecord[];
  sequences: Record<string, number>;
}

/** Creates an empty node with a fresh id. */
export function newNode(values: Record<string, Plain> = {}): RecordNode {
  return { id: randomUUID(), values, linked: {}, details: {}, note: '' };
}

/** Deep copy of a record (records are plain JSON). */
export function cloneRecord<T extends RecordNode>(rec: T): T {
  return structuredClone(rec);
}

/** Separates the parts of a composite key in index keys; lookups verify each part, so a clash only costs. */
const KEY_SEPARATOR = '\u0000';
/** Filtered lists (or other derived values) kept per entity between writes: one per distinct query. */
const MAX_DERIVED = 16;

/** The records of one entity and what is derived from them until the next write. */
interface Table {
  records: Map<string, StoredRecord>;
  /** Key indexes by key-field list, built on the first lookup (after a load or a batch: lazily). */
  indexes: Map<string, KeyIndex>;
  /** The records in list order, computed by the first `list` after a write. */
  sorted?: { keyOf: (r: StoredRecord) => string; records: readonly StoredRecord[] };
  /** Values computed from the records (filtered lists), dropped on every write. */
  derived: Map<string, unknown>;
}

interface KeyIndex {
  fields: readonly string[];
  /** Normalised key (upper case, parts joined) → ids of the records stored under it, usually one. */
  ids: Map<string, string[]>;
  /** Record id → the normalised key it is indexed under, to unindex it even if the object changed since. */
  keyOfId: Map<string, string>;
}

export class RecordStore {
  private readonly byEntity = new Map<string, Table>();
  private sequences: Record<string, number> = {};
  /** Called after every committed save or delete of a record (`after` null for a delete). */
  onWrite?: (entity: string, id: string, after: StoredRecord | null) => void;

  constructor(private readonly persistFile?: string) {
    if (persistFile && existsSync(persistFile)) {
      const snap = JSON.parse(readFileSync(persistFile, 'utf8')) as Snapshot;
      for (const r of snap.records) this.table(r.entity).records.set(r.id, r);
      this.sequences = snap.sequences;
    }
  }

  private table(entity: string): Table {
    let t = this.byEntity.get(entity);
    if (!t) {
      t = { records: new Map(), indexes: new Map(), derived: new Map() };
      this.byEntity.set(entity, t);
    }
    return t;
  }

  /**
   * Every record of an entity, in the order given by `keyOf` (primary-key order; equal keys in insertion
   * order). Sorted once after each write to the entity, so a paged read does not sort per page: pass the
   * same `keyOf` function each time to reuse the order. The array is shared: do not modify it.
   */
  list(entity: string, keyOf: (r: StoredRecord) => string): readonly StoredRecord[] {
    const t = this.table(entity);
    if (t.sorted?.keyOf !== keyOf) {
      const keyed = [...t.records.values()].map((r) => ({ r, k: keyOf(r) }));
      keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
      t.sorted = { keyOf, records: keyed.map((x) => x.r) };
    }
    return t.sorted.records;
  }

  /**
   * A value computed from an entity's records (e.g. the result of one `$filter`), kept until the next write
   * to that entity. `compute` must depend only on the entity's records and on what `key` names; a throw is
   * not kept.
   */
  derived<T>(entity: string, key: string, compute: () => T): T {
    const t = this.table(entity);
    if (t.derived.has(key)) return t.derived.get(key) as T;
    const value = compute();
    if (t.derived.size >= MAX_DERIVED) t.derived.delete(t.derived.keys().next().value!);
    t.derived.set(key, value);
    return value;
  }

  all(entity: string): StoredRecord[] {
    return [...this.table(entity).records.values()];
  }

  get(entity: string, id: string): StoredRecord | undefined {
    return this.table(entity).records.get(id.toLowerCase());
  }

  find(entity: string, pred: (r: StoredRecord) => boolean): StoredRecord | undefined {
    for (const r of this.table(entity).records.values()) if (pred(r)) return r;
    return undefined;
  }

  /**
   * The record whose key `fields` hold `values` as Acumatica compares keys (SQL Server collation: case
   * ignored, and the blanks around a wanted value), the first in insertion order if several do; with no key
   * fields, the first record. O(1) through a per-entity index kept on every save and delete; each candidate's
   * current values are checked, so a record changed in place since its save is never returned by its old key.
   */
  findByKey(entity: string, fields: readonly string[], values: readonly string[]): StoredRecord | undefined {
    const t = this.table(entity);
    if (fields.length === 0) return t.records.values().next().value;
    if (values.length < fields.length) return undefined;
    const want = fields.map((_, i) => values[i]!.trim().toUpperCase());
    const matches = (r: StoredRecord): boolean => fields.every((k, i) => ucase(r.values[k]) === want[i]);
    const index = this.index(t, fields);
    const found: StoredRecord[] = [];
    for (const id of [...(index.ids.get(want.join(KEY_SEPARATOR)) ?? [])]) {
      const r = t.records.get(id)!;
      if (matches(r)) found.push(r);
      else reindex(index, r); // changed in place after its save: file it under the key it has now
    }
    if (found.length <= 1) return found[0];
    for (const r of t.records.values()) if (found.includes(r)) return r;
    return undefined;
  }

  private index(t: Table, fields: readonly string[]): KeyIndex {
    const name = fields.join(',');
    let index = t.indexes.get(name);
    if (!index) {
      index = { fields, ids: new Map(), keyOfId: new Map() };
      for (const r of t.records.values()) reindex(index, r);
      t.indexes.set(name, index);
    }
    return index;
  }

  /** Keeps an entity's indexes and cached order in step with a save (`rec`) or a delete (`null`). */
  private written(t: Table, id: string, rec: StoredRecord | null): void {
    for (const index of t.indexes.values()) {
      if (rec) reindex(index, rec);
      else unindex(index, id);
    }
    dropOrder(t);
  }

  save(rec: StoredRecord): void {
    const t = this.table(rec.entity);
    t.records.set(rec.id, rec);
    this.written(t, rec.id, rec);
    this.persist();
    this.onWrite?.(rec.entity, rec.id, rec);
  }

  delete(entity: string, id: string): boolean {
    const t = this.table(entity);
    const ok = t.records.delete(id);
    if (ok) {
      this.written(t, id, null);
      this.persist();
      this.onWrite?.(entity, id, null);
    }
    return ok;
  }

  /** Next value of a numbering sequence (1-based). */
  next(sequence: string): number {
    const n = (this.sequences[sequence] ?? 0) + 1;
    this.sequences[sequence] = n;
    return n;
  }

  /** Makes sure a sequence is at least `n` (after explicit numbers were seeded). */
  bump(sequence: string, n: number): void {
    if ((this.sequences[sequence] ?? 0) < n) this.sequences[sequence] = n;
  }

  clear(): void {
    this.byEntity.clear();
    this.sequences = {};
    this.persist();
  }

  counts(): Record<string, number> {
    return Object.fromEntries([...this.byEntity].map(([e, t]) => [e, t.records.size]));
  }

  /** Writes the snapshot now (atomic rename); no-op without a persistence file. */
  persist(): void {
    if (!this.persistFile || this.batching > 0) return;
    const snap: Snapshot = {
      records: [...this.byEntity.values()].flatMap((t) => [...t.records.values()]),
      sequences: this.sequences,
    };
    const tmp = `${this.persistFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(snap));
    renameSync(tmp, this.persistFile);
  }

  private batching = 0;

  /**
   * Runs many writes with one snapshot at the end (seeding). Seeding code may still fill in a record after
   * saving it, so the key indexes are rebuilt from the records on the next lookup.
   */
  batch<T>(fn: () => T): T {
    this.batching++;
    try {
      return fn();
    } finally {
      this.batching--;
      if (this.batching === 0)
        for (const t of this.byEntity.values()) {
          t.indexes.clear();
          dropOrder(t);
        }
      this.persist();
    }
  }
}

/** Forgets what was derived from a table's records: its list order and filtered lists. */
function dropOrder(t: Table): void {
  t.sorted = undefined;
  t.derived.clear();
}

/** Files a record under the key its values hold now, out of the one it was filed under before. */
function reindex(index: KeyIndex, rec: StoredRecord): void {
  const key = index.fields.map((k) => ucase(rec.values[k])).join(KEY_SEPARATOR);
  const before = index.keyOfId.get(rec.id);
  if (before === key) return;
  if (before !== undefined) unindex(index, rec.id);
  index.keyOfId.set(rec.id, key);
  const ids = index.ids.get(key);
  if (ids) ids.push(rec.id);
  else index.ids.set(key, [rec.id]);
}

function unindex(index: KeyIndex, id: string): void {
  const key = index.keyOfId.get(id);
  if (key === undefined) return;
  index.keyOfId.delete(id);
  const ids = index.ids.get(key)!;
  if (ids.length === 1) index.ids.delete(key);
  else ids.splice(ids.indexOf(id), 1);
}
