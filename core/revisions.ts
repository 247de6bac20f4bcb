/**
 * Record revisions: every stored record carries `rev`, an integer every write advances by one (a new record
 * starts at 1). Writers that read a record and write back what they decided from it (the API's edit, the
 * worker's push outcome, a pull) apply their write only to the revision they read, so a change made in
 * between is never overwritten. Pure, sandbox-safe.
 */

/** The revision of a stored record; records written before revisions existed have none and count as 0. */
export function revisionOf(record: { rev?: number | undefined }): number {
  return typeof record.rev === 'number' && Number.isInteger(record.rev) && record.rev > 0 ? record.rev : 0;
}

/** The store filter that matches exactly revision `rev` (0 matches a record that has no revision yet). */
export function revisionFilter(rev: number): { rev: number } | { rev: { $exists: false } } {
  return rev === 0 ? { rev: { $exists: false } } : { rev };
}

/** The HTTP entity tag of a revision, as sent in `ETag` and expected in `If-Match`. */
export function entityTag(rev: number): string {
  return `"${rev}"`;
}

/** A parsed `If-Match` header: any current revision (`*`), or the revisions it names. */
export type IfMatch = { any: true } | { any: false; revisions: number[] };

const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;

/**
 * Parses an `If-Match` header (RFC 9110 §13.1.1): `*`, or a comma-separated list of entity tags. Matching
 * is strong, so weak tags (`W/"3"`) and tags that are not one of our revisions are kept out of the list
 * and never match. Null when the header is not valid entity-tag syntax (say `3` without quotes).
 */
export function parseIfMatch(header: string): IfMatch | null {
  const value = header.trim();
  if (value === '*') return { any: true };
  const revisions: number[] = [];
  const parts = value.split(',').map((p) => p.trim());
  for (const part of parts) {
    const m = ENTITY_TAG.exec(part);
    if (!m) return null;
    const [, weak, tag = ''] = m;
    if (!weak && /^(0|[1-9]\d{0,14})$/.test(tag)) revisions.push(Number(tag));
  }
  return { any: false, revisions };
}

/** True when a record at revision `rev` satisfies the `If-Match` condition. */
export function ifMatchHolds(condition: IfMatch, rev: number): boolean {
  return condition.any || condition.revisions.includes(rev);
}
