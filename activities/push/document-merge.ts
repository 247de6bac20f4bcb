/**
 * The merge of a push-only document with Acumatica's copy before an update (core/document-merge.ts), and
 * the base stored after the PUT: the plumbing between the pure merge and the Acumatica bodies.
 */
import type { AcumaticaRecord } from '../../acumatica';
import type { AcumaticaBody } from '../../acumatica/mappers';
import type { RestVersion } from '../../core/entities';
import {
  asDocumentBase,
  documentBaseAfterPush,
  documentView,
  mergeDocument,
  refsByPosition,
  type DocumentBase,
  type DocumentFields,
  type RowRef,
} from '../../core/document-merge';
import { isPlainObject, rowsOf, type FieldConflict, type SyncView } from '../../core/merge';
import type { AnyMapper, AnyRecord } from '../mapping';

/** The detail collection of a document's lines: chosen here, read from `DocumentFields.rows.field` everywhere else. */
const ROWS = 'Details';

/**
 * The fields the merge compares for a push-only document (what its mapper sends, but other detail
 * collections such as `TaxDetails`, which go as ours), or undefined for a type merged elsewhere (two-way
 * types) or without lines.
 */
export function documentFieldsOf(
  mapper: AnyMapper,
  version: RestVersion,
  acumaticaEntity: string,
): DocumentFields | undefined {
  if (mapper.comparable || !mapper.push) return undefined;
  const header: string[] = [];
  const linked: Record<string, string[]> = {};
  const rows: string[] = [];
  const dates = new Set<string>();
  let hasRows = false;
  const sent = mapper.fieldList(version, 'push');
  for (const [path, kind] of Object.entries(sent)) {
    const parts = path.split('.');
    if (parts[0] !== acumaticaEntity || parts.length < 2) continue;
    const [name = '', sub] = parts.slice(1);
    if (kind === 'datetime') dates.add(parts.at(-1) ?? '');
    if (parts.length === 2) {
      if (kind === 'linked') linked[name] ??= [];
      else if (kind === 'details') hasRows ||= name === ROWS;
      else header.push(name);
    } else if (parts.length === 3 && sub) {
      if (name === ROWS) rows.push(sub);
      else if (sent[`${acumaticaEntity}.${name}`] === 'linked') (linked[name] ??= []).push(sub);
    }
  }
  return hasRows ? { header, linked, rows: { field: ROWS, fields: rows }, dates: [...dates] } : undefined;
}

/** What the push must remember between the PUT and the write-back to store the new base. */
export interface DocumentPlan {
  fields: DocumentFields;
  /** The view of the body built from our record alone (rows without ids). */
  ours: SyncView;
  refs: RowRef[];
  /** Row ids Acumatica had before the PUT. */
  currentIds: string[];
  previous?: DocumentBase;
  conflicts: FieldConflict[];
}

/**
 * The body of an update merged with Acumatica's copy against the stored base, or, without a base, today's
 * body (rows matched by position). Either way, the plan to store the base after the PUT.
 * @param ours the body built from our record without Acumatica's copy
 * @param byPosition the body built with Acumatica's copy (rows matched by position)
 */
export function mergedDocumentBody(
  record: AnyRecord,
  fields: DocumentFields,
  ours: AcumaticaBody,
  byPosition: AcumaticaBody,
  current: AcumaticaRecord,
  acumaticaAt: Date | undefined,
): { body: AcumaticaBody; plan: DocumentPlan } {
  const oursView = documentView(ours, fields);
  const currentView = documentView(current, fields);
  const currentIds = rowIds(currentView, fields);
  const base = asDocumentBase(record.sync.base);
  if (!base) return { body: byPosition, plan: positionPlan(fields, ours, current) };
  const merge = mergeDocument(base, oursView, currentView, fields, {
    localAt: record.updatedAt,
    // Unknown modified time: ours is taken as the newer change.
    acumaticaAt: acumaticaAt ?? new Date(0),
  });
  const body: AcumaticaBody = {};
  for (const [key, value] of Object.entries(ours)) {
    // Parts the merge does not compare (tax rows) go as ours, as before.
    if (!fields.header.includes(key) && !(key in fields.linked) && key !== fields.rows.field)
      body[key] = value;
  }
  for (const [key, value] of Object.entries(merge.header)) body[key] = wrapDeep(value);
  body[fields.rows.field] = merge.rows.map((row) => {
    if ('delete' in row) return { id: row.id, delete: true };
    return { ...('id' in row ? { id: row.id } : {}), ...(wrapDeep(row.fields) as AcumaticaBody) };
  });
  return {
    body,
    plan: {
      fields,
      ours: oursView,
      refs: merge.refs,
      currentIds,
      previous: base,
      conflicts: merge.conflicts,
    },
  };
}

/**
 * The plan of a body whose rows are matched to Acumatica's by position (`reconcileRows`): a create (no
 * `current`, every line a new row), an update without a base, a document adopted after a lost answer.
 * @param ours the body built from our record without Acumatica's copy
 */
export function positionPlan(
  fields: DocumentFields,
  ours: AcumaticaBody,
  current?: AcumaticaRecord,
): DocumentPlan {
  const oursView = documentView(ours, fields);
  const currentView = current ? documentView(current, fields) : undefined;
  return {
    fields,
    ours: oursView,
    refs: refsByPosition(oursView, currentView, fields.rows.field),
    currentIds: currentView ? rowIds(currentView, fields) : [],
    conflicts: [],
  };
}

/**
 * The base to store after the PUT, from Acumatica's answer; null when the answer does not show every line's
 * row (the stored base is then cleared, and the next push matches rows by position).
 */
export function baseAfterPut(plan: DocumentPlan, response: AcumaticaRecord): DocumentBase | null {
  return (
    documentBaseAfterPush(
      plan.ours,
      plan.refs,
      documentView(response, plan.fields),
      plan.currentIds,
      plan.fields,
      plan.previous,
    ) ?? null
  );
}

/** Expanded detail and linked members a GET or PUT of a document needs for the merge. */
export function documentExpand(fields: DocumentFields): string[] {
  return [fields.rows.field, ...Object.keys(fields.linked)];
}

function rowIds(view: SyncView, fields: DocumentFields): string[] {
  return rowsOf(view[fields.rows.field]).flatMap((row) => (typeof row.id === 'string' ? [row.id] : []));
}

/** Plain values as Acumatica's `{ value }` (objects field by field). */
function wrapDeep(value: unknown): unknown {
  if (!isPlainObject(value)) return { value };
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = wrapDeep(v);
  return out;
}
