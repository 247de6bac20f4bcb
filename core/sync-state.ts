/**
 * The conflict rule for pulled Acumatica changes (design §5, "last-modified wins"). Pure, sandbox-safe.
 */
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
