/**
 * Inspecting both sides after a run: the emulator's request counters and the account's stored records.
 */
import type { Db } from 'mongodb';
import { ENTITY_TYPES } from '../../core/entities';
import type { RunningEmulator } from '../../emulator';
import { recordCollectionName } from '../../store';

/** PUT requests the emulator received for an entity since its counters were last reset. */
export function putCount(emulator: RunningEmulator, entity: string): number {
  return emulator.admin.counters()[`PUT ${entity}`] ?? 0;
}

/** Every record of the account, by collection and id: equal snapshots mean nothing was written. */
export async function accountSnapshot(db: Db, accountId: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const type of ENTITY_TYPES) {
    out[type] = await db
      .collection(recordCollectionName(type))
      .find({ accountId })
      .sort({ _id: 1 })
      .toArray();
  }
  return out;
}

/** Emulator records of an entity whose external-reference field holds `ref`. */
export function byExternalRef(emulator: RunningEmulator, entity: string, field: string, ref: string) {
  return emulator.admin.records(entity).filter((r) => r.values[field] === ref);
}
