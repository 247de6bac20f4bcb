/**
 * The conflict rule for pulled Acumatica changes (design §5, "last-modified wins"). Pure, sandbox-safe.
 */
import { mergeViews, type FieldConflict, type SyncView } from './merge';
import { mergedRecordFields, type RecordMergeSpec } from './merge-record';
import type { SyncInfo } from './records';

export type PullDecision =
  /** Write Acumatica's copy over ours. */
  | { action: 'apply'; overwritesLocalEdit: boolean }
  /** Write nothing. */
  | { action: 'skip'; reason: 'identical' | 'already-seen' | 'local-newer' };

/**
 * Decides whether a pulled Acumatica copy replaces our record.
 *
 * - identical content (same hash as last exchanged) writes nothing;
 * - a version we already saw (Acumatica's modified time not newer than the one we stored) writes nothing;
 * - without local edits since the last sync, Acumatica's change applies (no clock comparison needed);
 * - with local edits, the newer side wins: Acumatica's modified time against our `updatedAt`; on equal
 *   times Acumatica wins.
 */
export function decidePull(
  existing: {
    updatedAt: Date;
    sync: Pick<SyncInfo, 'acumaticaModifiedAt' | 'lastSyncedAt' | 'lastSyncedHash'>;
  },
  incoming: { acumaticaModifiedAt: Date; hash: string },
): PullDecision {
  const { sync } = existing;
  if (sync.lastSyncedHash === incoming.hash) return { action: 'skip', reason: 'identical' };
  if (
    sync.acumaticaModifiedAt &&
    incoming.acumaticaModifiedAt.getTime() <= sync.acumaticaModifiedAt.getTime()
  ) {
    return { action: 'skip', reason: 'already-seen' };
  }
  const editedLocally = !sync.lastSyncedAt || existing.updatedAt.getTime() > sync.lastSyncedAt.getTime();
  if (!editedLocally) return { action: 'apply', overwritesLocalEdit: false };
  // Equal times: Acumatica wins, always (the ERP is the book of record; one rule, applied every time).
  if (incoming.acumaticaModifiedAt.getTime() >= existing.updatedAt.getTime()) {
    return { action: 'apply', overwritesLocalEdit: true };
  }
  return { action: 'skip', reason: 'local-newer' };
}

/** How a pulled Acumatica copy is written onto our record, field by field. */
export type PullMerge =
  | { action: 'skip'; reason: 'identical' | 'already-seen' | 'local-newer' }
  | {
      action: 'write';
      /** Top-level record fields to write, with their new values (undefined: clear the field). */
      fields: Record<string, unknown>;
      /** Fields changed on both sides, as decided (one note each). */
      conflicts: FieldConflict[];
      /** Our record keeps changes Acumatica does not have: it must be (or stay) marked for export. */
      pending: boolean;
      /** Without a base (synced before bases were kept): local changes were replaced by today's rule. */
      overwritesLocalEdit: boolean;
      /** The merged view (see core/merge-record.ts `baseAfterPull` for the base it leads to). */
      merged: SyncView;
    };

/**
 * Decides what a pulled copy changes on our record. With a base (the view both sides agreed on at the
 * last sync) the merge is field by field (core/merge.ts): Acumatica's changes are taken, ours are kept
 * (and the record stays pending), both-sided changes go to the later side with a conflict. Without a base
 * the record falls back to {@link decidePull}, once: the write then stores a base. Either way only what
 * the view shows is written, so fields Acumatica does not hold (coordinates) are never touched. Identical
 * content and versions already seen write nothing.
 */
export function decidePullMerge(
  existing: {
    updatedAt: Date;
    sync: Pick<SyncInfo, 'acumaticaModifiedAt' | 'lastSyncedAt' | 'lastSyncedHash'> & { base?: SyncView };
    /** Our record's business fields. */
    fields: Readonly<Record<string, unknown>>;
    /** Our record's view (the mapper's comparable form). */
    view: SyncView;
  },
  incoming: {
    acumaticaModifiedAt: Date;
    hash: string;
    fields: Readonly<Record<string, unknown>>;
    view: SyncView;
  },
  spec: RecordMergeSpec,
): PullMerge {
  const base = existing.sync.base;
  const simple = decidePull(existing, incoming);
  if (simple.action === 'skip' && (simple.reason !== 'local-newer' || !base)) return simple;
  if (!base) {
    const views = { local: existing.view, acumatica: incoming.view, merged: incoming.view };
    return {
      action: 'write',
      fields: mergedRecordFields(existing.fields, incoming.fields, views, spec),
      conflicts: [],
      pending: false,
      overwritesLocalEdit: simple.action === 'apply' && simple.overwritesLocalEdit,
      merged: incoming.view,
    };
  }
  const result = mergeViews(base, existing.view, incoming.view, {
    localAt: existing.updatedAt,
    acumaticaAt: incoming.acumaticaModifiedAt,
    ...(spec.lines ? { lines: spec.lines } : {}),
  });
  const views = { local: existing.view, acumatica: incoming.view, merged: result.merged };
  return {
    action: 'write',
    fields: mergedRecordFields(existing.fields, incoming.fields, views, spec),
    conflicts: result.conflicts,
    pending: result.changesAcumatica,
    overwritesLocalEdit: false,
    merged: result.merged,
  };
}
