/**
 * In-memory record store of the emulator, shared by every endpoint version (the version only decides which
 * fields are visible). Optional JSON persistence to one file.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Plain } from './values';

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

export class RecordStore {
  private readonly byEntity = new Map<string, Map<string, StoredRecord>>();
  private sequences: Record<string, number> = {};
  /** Called after every committed save or delete of a record (`after` null for a delete). */
  onWrite?: (entity: string, id: string, after: StoredRecord | null) => void;

  constructor(private readonly persistFile?: string) {
    if (persistFile && existsSync(persistFile)) {
      const snap = JSON.parse(readFileSync(persistFile, 'utf8')) as Snapshot;
      for (const r of snap.records) this.table(r.entity).set(r.id, r);
      this.sequences = snap.sequences;
    }
  }

  private table(entity: string): Map<string, StoredRecord> {
    let t = this.byEntity.get(entity);
    if (!t) {
      t = new Map();
      this.byEntity.set(entity, t);
    }
    return t;
  }

  /** Every record of an entity, in the order given by `keyOf` (primary-key order). */
  list(entity: string, keyOf: (r: StoredRecord) => string): StoredRecord[] {
    return [...this.table(entity).values()].sort((a, b) => {
      const ka = keyOf(a);
      const kb = keyOf(b);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  }

  all(entity: string): StoredRecord[] {
    return [...this.table(entity).values()];
  }

  get(entity: string, id: string): StoredRecord | undefined {
    return this.table(entity).get(id.toLowerCase());
  }

  find(entity: string, pred: (r: StoredRecord) => boolean): StoredRecord | undefined {
    for (const r of this.table(entity).values()) if (pred(r)) return r;
    return undefined;
  }

  save(rec: StoredRecord): void {
    this.table(rec.entity).set(rec.id, rec);
    this.persist();
    this.onWrite?.(rec.entity, rec.id, rec);
  }

  delete(entity: string, id: string): boolean {
    const ok = this.table(entity).delete(id);
    if (ok) {
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
    return Object.fromEntries([...this.byEntity].map(([e, t]) => [e, t.size]));
  }

  /** Writes the snapshot now (atomic rename); no-op without a persistence file. */
  persist(): void {
    if (!this.persistFile || this.batching > 0) return;
    const snap: Snapshot = {
      records: [...this.byEntity.values()].flatMap((t) => [...t.values()]),
      sequences: this.sequences,
    };
    const tmp = `${this.persistFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(snap));
    renameSync(tmp, this.persistFile);
  }

  private batching = 0;

  /** Runs many writes with one snapshot at the end (seeding). */
  batch<T>(fn: () => T): T {
    this.batching++;
    try {
      return fn();
    } finally {
      this.batching--;
      this.persist();
    }
  }
}
