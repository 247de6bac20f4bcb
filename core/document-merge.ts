/**
 * The merge of a push-only document (invoice, estimate, sales order, purchase order) with Acumatica's copy,
 * at the level of the Acumatica body (issue 13). These documents are never pulled, so Acumatica's edits do
 * not flow back into our record; what the merge guarantees is that our push does not destroy an edit made
 * only in Acumatica and that our own changes still go out.
 *
 * The base is what we last sent, kept twice: `sent`, the fields in our form, to tell what we changed since;
 * `held`, the same fields as Acumatica answered the PUT (its dates, its key case), to tell what Acumatica
 * changed since. Detail rows carry Acumatica's row `id` in both, so lines are matched on its side exactly.
 * Our rows are paired with the base's by the line identity of core/merge.ts (equal content, then the same
 * item or description). The three-way decision itself is core/merge.ts `mergeViews`. Pure, sandbox-safe.
 */
import {
  alignLines,
  isPlainObject,
  mergeViews,
  rowsOf,
  sameValue,
  type FieldConflict,
  type Line,
  type SyncView,
} from './merge';

/** The fields of a document body the merge compares: what the mapper sends. */
export interface DocumentFields {
  /** Top-level value fields (`Description`, `Date`). */
  header: readonly string[];
  /** Linked objects and their value fields (`FinancialSettings`: `DueDate`, …). */
  linked: Readonly<Record<string, readonly string[]>>;
  /** The detail collection of lines (`Details`) and the value fields of a row. */
  rows: { field: string; fields: readonly string[] };
  /** Fields holding a date (`Date`, `DueDate`), compared by the day Acumatica answers as a date-time. */
  dates?: readonly string[];
}

/** The base of a push-only document, stored as `sync.base` (a type, so it is a plain record). */
export type DocumentBase = {
  /** Our fields as we sent them; rows with Acumatica's row `id`. */
  sent: SyncView;
  /** The same fields as Acumatica held them after the PUT; rows in the same order with the same ids. */
  held: SyncView;
};

/** Where each of our lines is in Acumatica, for the base stored after the PUT. */
export type RowRef =
  /** An existing Acumatica row. */
  | { kind: 'row'; id: string }
  /** The `n`-th row the PUT adds (counted from 0, in the order sent). */
  | { kind: 'new'; n: number }
  /** A row Acumatica deleted and we left deleted: its old id and base, so it is not sent again. */
  | { kind: 'gone'; id: string };

/** A detail row for the PUT: an update or deletion by `id`, or a new row. */
export type RowChange =
  | { id: string; delete: true }
  | { id: string; fields: Record<string, unknown> }
  | { fields: Record<string, unknown> };

export interface DocumentMerge {
  /** Header and linked fields to send (plain values; linked objects nested); the rest Acumatica keeps. */
  header: Record<string, unknown>;
  /** Detail rows to send; rows not named keep what Acumatica has. */
  rows: RowChange[];
  /** Where each of our lines ends up, by position in our record (see {@link documentBaseAfterPush}). */
  refs: RowRef[];
  conflicts: FieldConflict[];
}

/** A stored `sync.base` as a document base, or undefined (none, or one of another shape). */
export function asDocumentBase(base: unknown): DocumentBase | undefined {
  if (!isPlainObject(base) || !isPlainObject(base.sent) || !isPlainObject(base.held)) return undefined;
  return { sent: base.sent, held: base.held };
}

/**
 * A body (ours, or Acumatica's copy) as plain values of the compared fields: `{ value }` unwrapped, empty
 * values dropped, rows with their `id` when they have one. Rows marked for deletion are left out.
 */
export function documentView(body: Readonly<Record<string, unknown>>, fields: DocumentFields): SyncView {
  const dates = new Set(fields.dates ?? []);
  const out: Record<string, unknown> = pick(body, fields.header, dates);
  for (const [name, subFields] of Object.entries(fields.linked)) {
    const linked = body[name];
    if (!isPlainObject(linked)) continue;
    const values = pick(linked, subFields, dates);
    if (Object.keys(values).length > 0) out[name] = values;
  }
  const rows = body[fields.rows.field];
  if (Array.isArray(rows)) {
    out[fields.rows.field] = rows
      .filter((row): row is Record<string, unknown> => isPlainObject(row) && row.delete !== true)
      .map((row) => ({
        ...(typeof row.id === 'string' ? { id: row.id } : {}),
        ...pick(row, fields.rows.fields, dates),
      }));
  }
  return out;
}

/**
 * Merges our document (`ours`: the view of the body we would send, rows without ids) with Acumatica's
 * current copy against the base: a field we did not change is left out, so Acumatica keeps its edit; one
 * we changed is sent; one changed on both sides goes to the later modification (Acumatica on equal times)
 * with a conflict. Rows Acumatica added are kept, rows we deleted are deleted by id, rows Acumatica deleted
 * that we did not change are not sent again.
 */
export function mergeDocument(
  base: DocumentBase,
  ours: SyncView,
  current: SyncView,
  fields: DocumentFields,
  times: { localAt: Date; acumaticaAt: Date },
): DocumentMerge {
  const rowsField = fields.rows.field;
  const sentRows = rowsOf(base.sent[rowsField]);
  const heldRows = rowsOf(base.held[rowsField]);
  const ourRows = rowsOf(ours[rowsField]);
  const currentRows = rowsOf(current[rowsField]);
  const pairs = alignLines(sentRows.map(withoutId), ourRows, lineKey(fields));

  // Ours in Acumatica's form wherever we did not change it since the base, so one base serves both sides.
  const translated: Record<string, unknown> = {};
  for (const key of Object.keys({ ...ours, ...base.sent })) {
    if (key === rowsField) continue;
    const value = asHeld(ours[key], base.sent[key], base.held[key]);
    if (value !== undefined) translated[key] = value;
  }
  // A line we added that equals a row Acumatica added since is that row (as in core/merge.ts).
  const baseIds = new Set(heldRows.map((row) => row.id));
  const theirsAdded = currentRows.filter((row) => !baseIds.has(row.id));
  translated[rowsField] = ourRows.map((row, k) => {
    const i = pairs[k];
    const sent = i === undefined ? undefined : sentRows[i];
    if (i === undefined || !sent || typeof sent.id !== 'string') {
      const twin = theirsAdded.findIndex((theirs) => sameValue(withoutId(theirs), row));
      return twin < 0 ? row : (theirsAdded.splice(twin, 1)[0] ?? row);
    }
    return { id: sent.id, ...(asHeld(row, withoutId(sent), withoutId(heldRows[i] ?? {})) as Line) };
  });
  const result = mergeViews(base.held, translated, current, {
    ...times,
    lines: { fields: [rowsField], key: (row) => (typeof row.id === 'string' ? row.id : '') },
  });
  const merged = result.merged;

  const header = changed(withoutKey(merged, rowsField), withoutKey(current, rowsField)) ?? {};
  const currentById = new Map(currentRows.map((row) => [row.id as string, row]));
  const mergedRows = rowsOf(merged[rowsField]);
  const rows: RowChange[] = [];
  const kept = new Set<string>();
  for (const row of mergedRows) {
    const id = typeof row.id === 'string' ? row.id : undefined;
    const theirs = id === undefined ? undefined : currentById.get(id);
    if (id !== undefined && theirs) {
      kept.add(id);
      const update = changed(withoutId(row), withoutId(theirs));
      if (update) rows.push({ id, fields: update });
    } else {
      rows.push({ fields: withoutId(row) });
    }
  }
  for (const id of currentById.keys()) if (!kept.has(id)) rows.push({ id, delete: true });

  // Our lines in order: new rows are sent in the order the merge emits them, which keeps our order.
  const mergedIds = new Set(mergedRows.map((row) => row.id).filter((id) => typeof id === 'string'));
  let added = 0;
  const refs: RowRef[] = (translated[rowsField] as Line[]).map((row) => {
    const id = typeof row.id === 'string' ? row.id : undefined;
    if (id !== undefined && currentById.has(id)) return { kind: 'row', id };
    if (id !== undefined && !mergedIds.has(id)) return { kind: 'gone', id };
    return { kind: 'new', n: added++ };
  });
  return { header, rows, refs, conflicts: result.conflicts };
}

/**
 * Where our lines are when there is no base to merge with (a create, or a document sent before bases were
 * kept): rows are matched by position, as `reconcileRows` sends them.
 */
export function refsByPosition(ours: SyncView, current: SyncView | undefined, rowsField: string): RowRef[] {
  const currentRows = rowsOf(current?.[rowsField]);
  let added = 0;
  return rowsOf(ours[rowsField]).map((_, i) => {
    const id = currentRows[i]?.id;
    return typeof id === 'string' ? { kind: 'row', id } : { kind: 'new', n: added++ };
  });
}

/**
 * The base to store after the PUT: `ours` as sent and Acumatica's answer, each of our lines with its row id.
 * Undefined when the answer does not show a line's row (Acumatica did not return its details): the next
 * push then matches rows by position, as before bases were kept.
 * @param currentIds the row ids Acumatica had before the PUT (the new rows are the others)
 * @param previous the base merged with, for lines Acumatica deleted and we left deleted
 */
export function documentBaseAfterPush(
  ours: SyncView,
  refs: readonly RowRef[],
  response: SyncView,
  currentIds: readonly string[],
  fields: DocumentFields,
  previous?: DocumentBase,
): DocumentBase | undefined {
  const rowsField = fields.rows.field;
  const responseRows = rowsOf(response[rowsField]);
  const byId = new Map(responseRows.map((row) => [row.id, row]));
  const before = new Set(currentIds);
  const fresh = responseRows.filter((row) => typeof row.id === 'string' && !before.has(row.id));
  const previousHeld = new Map(rowsOf(previous?.held[rowsField]).map((row) => [row.id, row]));
  const sentRows: Line[] = [];
  const heldRows: Line[] = [];
  const ourRows = rowsOf(ours[rowsField]);
  for (const [k, ref] of refs.entries()) {
    const held =
      ref.kind === 'new' ? fresh[ref.n] : ref.kind === 'row' ? byId.get(ref.id) : previousHeld.get(ref.id);
    if (!held || typeof held.id !== 'string') return undefined;
    sentRows.push({ id: held.id, ...withoutId(ourRows[k] ?? {}) });
    heldRows.push(held);
  }
  return {
    sent: { ...withoutKey(ours, rowsField), [rowsField]: sentRows },
    held: { ...withoutKey(response, rowsField), [rowsField]: heldRows },
  };
}

/** A line's identity on our side: its item, else its description (as in core/merge.ts). */
function lineKey(fields: DocumentFields): (row: Line) => string {
  const description = fields.rows.fields.find((f) => f.endsWith('Description'));
  return (row) => {
    const item = row.InventoryID;
    if (typeof item === 'string' && item !== '') return `item:${item}`;
    return `text:${description ? String(row[description] ?? '') : ''}`;
  };
}

/** Our value, or Acumatica's form of it when it equals what we sent (field by field in objects). */
function asHeld(ours: unknown, sent: unknown, held: unknown): unknown {
  if (sameValue(ours, sent)) return held;
  if (!isPlainObject(ours) || !isPlainObject(sent) || !isPlainObject(held)) return ours;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys({ ...ours, ...sent })) {
    const value = asHeld(ours[key], sent[key], held[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * The parts of `merged` that differ from Acumatica's `current` (objects field by field), undefined when
 * none. A value cleared by the merge is not sent: an omitted field keeps Acumatica's value, as before.
 */
function changed(merged: SyncView, current: SyncView): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined || sameValue(value, current[key])) continue;
    const theirs = current[key];
    const part = isPlainObject(value) && isPlainObject(theirs) ? changed(value, theirs) : value;
    if (part !== undefined) out[key] = part;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function pick(
  source: Readonly<Record<string, unknown>>,
  names: readonly string[],
  dates: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const raw = source[name];
    const value = isPlainObject(raw) ? raw.value : raw;
    if (value === undefined || value === null) continue;
    out[name] = dates.has(name) && typeof value === 'string' ? dayOf(value) : value;
  }
  return out;
}

/**
 * A date as its day: we send `2026-01-02`, Acumatica answers `2026-01-02T00:00:00+02:00` (midnight in its
 * time zone). Any other text is kept as it is.
 */
function dayOf(value: string): string {
  return /^\d{4}-\d{2}-\d{2}T00:00:00(\.0+)?(Z|[+-]\d{2}:\d{2})?$/.test(value) ? value.slice(0, 10) : value;
}

function withoutId(row: Line): Record<string, unknown> {
  return withoutKey(row, 'id');
}

function withoutKey(view: SyncView, key: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...view };
  delete out[key];
  return out;
}
