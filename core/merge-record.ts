/**
 * Writing a three-way merge (core/merge.ts) back onto a stored record. The merge works on views (what a
 * mapper compares); the record keeps more than its view shows — coordinates, a third street line, the
 * exact case of a SKU — so only the parts of the view that the merge took from Acumatica are written, from
 * Acumatica's copy as the pull mapped it, and everything else on the record stays as it is. Pure,
 * sandbox-safe.
 */
import { isPlainObject, rowsOf, sameValue, type MergeOptions, type SyncView } from './merge';

/** What the merge needs to know about one entity type's view. */
export interface RecordMergeSpec {
  /** The lists of lines in the view, merged by line identity (see MergeOptions). */
  lines?: MergeOptions['lines'];
  /** The record keys behind a line's view key (an `item` stands for productId, serviceId or sku). */
  lineKeys?: (viewKey: string) => readonly string[];
}

/**
 * The top-level record fields the merge changes, with their new values (undefined: clear the field).
 * A field whose merged view equals our view is left out: nothing of it came from Acumatica.
 * @param existing our record's business fields
 * @param incoming Acumatica's copy mapped to our fields (a pull's `fields`)
 */
export function mergedRecordFields(
  existing: Readonly<Record<string, unknown>>,
  incoming: Readonly<Record<string, unknown>>,
  views: { local: SyncView; acumatica: SyncView; merged: SyncView },
  spec: RecordMergeSpec = {},
): Record<string, unknown> {
  const lineFields = new Set(spec.lines?.fields ?? []);
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(views.local), ...Object.keys(views.merged)])) {
    const merged = views.merged[key];
    const local = views.local[key];
    if (sameValue(merged, local)) continue;
    const value =
      lineFields.has(key) && Array.isArray(merged)
        ? mergedLines(existing[key], incoming[key], views.local[key], views.acumatica[key], merged, spec)
        : mergedValue(existing[key], incoming[key], merged, local);
    // A view can differ while the record already holds the value (a fallback the view shows): no write.
    if (!sameValue(value, existing[key])) out[key] = value;
  }
  return out;
}

/**
 * A field the merge changed: Acumatica's value, except that an object we keep (an address) keeps what
 * the view does not show (coordinates) and the sub-fields the merge kept from our side.
 */
function mergedValue(existing: unknown, incoming: unknown, merged: unknown, local: unknown): unknown {
  if (merged === undefined) return undefined;
  if (!isPlainObject(existing) || !isPlainObject(merged) || !isPlainObject(local)) return incoming;
  const from = isPlainObject(incoming) ? incoming : {};
  const out: Record<string, unknown> = { ...existing };
  for (const key of new Set([...Object.keys(local), ...Object.keys(merged)])) {
    if (sameValue(merged[key], local[key])) continue;
    const value = mergedValue(existing[key], from[key], merged[key], local[key]);
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/**
 * The merged lines as record lines: a line the merge kept whole is our line or Acumatica's as they are;
 * a line merged field by field is ours with the fields that came from Acumatica copied from its line.
 */
function mergedLines(
  existing: unknown,
  incoming: unknown,
  localView: unknown,
  theirView: unknown,
  merged: readonly unknown[],
  spec: RecordMergeSpec,
): unknown[] {
  const ours = rowsOf(existing);
  const theirs = rowsOf(incoming);
  const oursView = rowsOf(localView);
  const theirsView = rowsOf(theirView);
  const key = spec.lines?.key ?? (() => '');
  const used = { ours: new Set<number>(), theirs: new Set<number>() };
  const pick = (
    views: Record<string, unknown>[],
    taken: Set<number>,
    match: (v: Record<string, unknown>) => boolean,
  ) => {
    const i = views.findIndex((v, n) => !taken.has(n) && match(v));
    if (i >= 0) taken.add(i);
    return i;
  };
  return merged.map((line) => {
    const view = line as Record<string, unknown>;
    const mine = pick(oursView, used.ours, (v) => sameValue(v, view));
    if (mine >= 0) return ours[mine];
    const same = pick(theirsView, used.theirs, (v) => sameValue(v, view));
    if (same >= 0) return theirs[same];
    // Merged field by field: start from our line with the same identity, take Acumatica's changed fields.
    const base = pick(oursView, used.ours, (v) => key(v) === key(view));
    const from = pick(theirsView, used.theirs, (v) => key(v) === key(view));
    const out: Record<string, unknown> = { ...(ours[base] ?? {}) };
    const source = theirs[from] ?? {};
    const localLine = oursView[base] ?? {};
    for (const field of new Set([...Object.keys(view), ...Object.keys(localLine)])) {
      if (sameValue(view[field], localLine[field])) continue;
      for (const recordKey of spec.lineKeys?.(field) ?? [field]) {
        if (source[recordKey] === undefined) delete out[recordKey];
        else out[recordKey] = source[recordKey];
      }
    }
    return out;
  });
}

/**
 * The base a pull stores with its write: Acumatica's view (what we have now incorporated), except for a
 * field where the merge agreed with Acumatica yet our record's view reads differently — a view that falls
 * back on what only we hold (a customer without a billing address shows its main location's) — where it
 * is the record's view, so the difference is not taken for a local change by the next merge.
 * @param merged the merged view (Acumatica's own when the record was created or replaced)
 * @param written the view of our record as written
 */
export function baseAfterPull(
  acumatica: SyncView,
  merged: SyncView,
  written: SyncView,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(acumatica), ...Object.keys(written)])) {
    const value = sameValue(merged[key], acumatica[key]) ? written[key] : acumatica[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
