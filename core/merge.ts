/**
 * Field-level three-way merge of a record's synced fields (issue 13). Both sides are compared with the
 * **base**, the value both agreed on at the last successful push or pull:
 * - changed on one side only → that side's value;
 * - changed on both sides to the same value → that value, no conflict;
 * - changed on both sides to different values → the later modification wins (Acumatica's modified time
 *   against our `updatedAt`; equal times → Acumatica, as in core/sync-state.ts), reported as a conflict.
 * Nested objects (addresses) merge field by field; lists of lines merge by line identity (added, deleted
 * and changed lines per side). Values are the mapper's comparable views (plain JSON); `undefined` and a
 * missing key both mean "no value". Pure, sandbox-safe.
 */

/** A record's synced fields as compared in both directions (a mapper's `comparable` output). */
export type SyncView = Readonly<Record<string, unknown>>;

/** Which side's value a field took. */
export type Side = 'local' | 'acumatica';

/** A field changed on both sides to different values. */
export interface FieldConflict {
  /** Dotted path of the field: `email`, `billingAddress.city`, `lines[2].quantity` (lines numbered from 1). */
  field: string;
  /** Our value (undefined: none, or the line was deleted here). */
  local: unknown;
  /** Acumatica's value (undefined: none, or the line was deleted there). */
  acumatica: unknown;
  winner: Side;
}

export interface MergeOptions {
  /** When our record was last edited (`updatedAt`). */
  localAt: Date;
  /** Acumatica's modified time of its copy. */
  acumaticaAt: Date;
  /**
   * Top-level fields holding lists of lines, merged by line identity. `key` names a line's identity
   * (its item, say): after lines equal to a base line are matched, a changed line is matched to the
   * base line with the same key, in order. Other arrays are single values.
   */
  lines?: { fields: readonly string[]; key: (line: Readonly<Record<string, unknown>>) => string };
}

export interface MergeResult {
  /** The merged view, without `undefined` entries. */
  merged: Record<string, unknown>;
  /** True when the merge differs from our record: Acumatica's changes must be written locally. */
  changesLocal: boolean;
  /** True when the merge differs from Acumatica's copy: our changes must be pushed. */
  changesAcumatica: boolean;
  conflicts: FieldConflict[];
}

/**
 * Merges our view and Acumatica's against their common base.
 * @param base what both sides held after the last successful sync
 */
export function mergeViews(
  base: SyncView,
  local: SyncView,
  acumatica: SyncView,
  options: MergeOptions,
): MergeResult {
  const conflicts: FieldConflict[] = [];
  const winner: Side = options.acumaticaAt.getTime() >= options.localAt.getTime() ? 'acumatica' : 'local';
  const lineFields = new Set(options.lines?.fields ?? []);
  const lineKey = options.lines?.key ?? (() => '');

  const mergeValue = (path: string, b: unknown, l: unknown, a: unknown, top: boolean): unknown => {
    if (sameValue(l, a)) return l;
    if (sameValue(l, b)) return a;
    if (sameValue(a, b)) return l;
    if ([b, l, a].every((v) => v === undefined || isPlainObject(v))) {
      // An object one side removed merges as an empty one: its fields were cleared there.
      const out = mergeObject(path, (b ?? {}) as SyncView, (l ?? {}) as SyncView, (a ?? {}) as SyncView);
      return Object.keys(out).length === 0 && (l === undefined || a === undefined) ? undefined : out;
    }
    if (top && lineFields.has(path) && isList(l) && isList(a) && (b === undefined || isList(b))) {
      return mergeLines(path, b ?? [], l, a);
    }
    conflicts.push({ field: path, local: l, acumatica: a, winner });
    return winner === 'local' ? l : a;
  };

  const mergeObject = (prefix: string, b: SyncView, l: SyncView, a: SyncView): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const key of unionKeys(b, l, a)) {
      const value = mergeValue(prefix ? `${prefix}.${key}` : key, b[key], l[key], a[key], prefix === '');
      if (value !== undefined) out[key] = value;
    }
    return out;
  };

  const mergeLines = (field: string, b: Line[], l: Line[], a: Line[]): Line[] => {
    const localIds = alignLines(b, l, lineKey);
    const theirIds = alignLines(b, a, lineKey);
    // A line added on both sides with the same content, else the same key, is one line.
    const addedHere = new Map<number, number>();
    for (const same of [sameValue, (x: Line, y: Line) => lineKey(x) === lineKey(y)]) {
      a.forEach((line, j) => {
        if (theirIds[j] !== undefined || [...addedHere.values()].includes(j)) return;
        const i = l.findIndex(
          (mine, k) => localIds[k] === undefined && !addedHere.has(k) && same(mine, line),
        );
        if (i >= 0) addedHere.set(i, j);
      });
    }
    const theirByBase = new Map<number, number>();
    theirIds.forEach((baseIndex, j) => {
      if (baseIndex !== undefined) theirByBase.set(baseIndex, j);
    });
    const emitted = new Set<number>();
    const out: Line[] = [];
    const at = () => `${field}[${out.length + 1}]`;
    l.forEach((mine, k) => {
      const baseIndex = localIds[k];
      if (baseIndex === undefined) {
        const twin = addedHere.get(k);
        if (twin === undefined) out.push(mine);
        else {
          emitted.add(twin);
          out.push(mergeObject(at(), {}, mine, a[twin] ?? {}));
        }
        return;
      }
      const j = theirByBase.get(baseIndex);
      const original = b[baseIndex];
      if (j !== undefined) {
        emitted.add(j);
        out.push(mergeObject(at(), original ?? {}, mine, a[j] ?? {}));
      } else if (!sameValue(mine, original)) {
        // Deleted in Acumatica, changed here.
        conflicts.push({ field: at(), local: mine, acumatica: undefined, winner });
        if (winner === 'local') out.push(mine);
      }
    });
    a.forEach((theirs, j) => {
      if (emitted.has(j)) return;
      const baseIndex = theirIds[j];
      if (baseIndex === undefined) {
        out.push(theirs);
      } else if (!sameValue(theirs, b[baseIndex])) {
        // Deleted here, changed in Acumatica.
        conflicts.push({ field: at(), local: undefined, acumatica: theirs, winner });
        if (winner === 'acumatica') out.push(theirs);
      }
    });
    return out;
  };

  const merged = mergeObject('', base, local, acumatica);
  return {
    merged,
    changesLocal: !sameValue(merged, local),
    changesAcumatica: !sameValue(merged, acumatica),
    conflicts,
  };
}

export type Line = Readonly<Record<string, unknown>>;

/**
 * For each line of `side`, the index of the base line it is (undefined: added on that side). Lines equal
 * to a base line match it first; then a changed line matches the first unmatched base line with the same
 * key. Unmatched base lines were deleted on that side.
 */
export function alignLines(
  base: readonly Line[],
  side: readonly Line[],
  key: (line: Line) => string,
): (number | undefined)[] {
  const taken = new Set<number>();
  const out: (number | undefined)[] = side.map(() => undefined);
  side.forEach((line, k) => {
    const i = base.findIndex((candidate, n) => !taken.has(n) && sameValue(candidate, line));
    if (i >= 0) {
      taken.add(i);
      out[k] = i;
    }
  });
  side.forEach((line, k) => {
    if (out[k] !== undefined) return;
    const i = base.findIndex((candidate, n) => !taken.has(n) && key(candidate) === key(line));
    if (i >= 0) {
      taken.add(i);
      out[k] = i;
    }
  });
  return out;
}

/**
 * A view as stored for the base: plain JSON without `undefined` entries (the store would write them as
 * null), so a stored base compares equal to the view it came from.
 */
export function plainView(view: SyncView): Record<string, unknown> {
  return plain(view) as Record<string, unknown>;
}

function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : plain(v)));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = plain(v);
  return out;
}

/** Deep equality of JSON-like values; `undefined` entries count as absent. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameValue(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    return unionKeys(a, b).every((key) => sameValue(a[key], b[key]));
  }
  return false;
}

function unionKeys(...objects: SyncView[]): string[] {
  const keys = new Set<string>();
  for (const o of objects) for (const [k, v] of Object.entries(o)) if (v !== undefined) keys.add(k);
  return [...keys].sort();
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

/** The plain-object rows of a list value (lines, detail rows); anything else reads as no rows. */
export function rowsOf(value: unknown): Line[] {
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}

function isList(value: unknown): value is Line[] {
  return Array.isArray(value) && value.every(isPlainObject);
}

/** The note a conflict leaves on the record, naming the field and both values. */
export function conflictNote(conflict: FieldConflict): string {
  const kept =
    conflict.winner === 'acumatica'
      ? "Acumatica's newer change was kept"
      : 'our newer change was kept and goes to Acumatica';
  return `${conflict.field} was changed on both sides: here ${describe(conflict.local)}, in Acumatica ${describe(conflict.acumatica)}; ${kept}`;
}

function describe(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(plain(value));
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
