/**
 * The account run lock: at most one sync run per account at a time. Used by the plan activity and by the
 * API before it starts a manual run (it takes the lock for the workflow id it is about to start, then
 * starts it).
 *
 * Each holder is one document `{ _id: '<account>#<generation>', workflowId, at, releasedAt? }` in its own
 * collection, and taking the lock is an INSERT of the next generation. Only an insert is used as the
 * mutual exclusion because FerretDB v1 (the development database) does not apply conditional updates
 * atomically: two concurrent `findOneAndUpdate`s with the same guard can both succeed there, while two
 * inserts of the same `_id` never can. The account document (and its `updatedAt`) is never touched.
 */
import type { Collection, Db } from 'mongodb';
import type { HolderCheck } from '../core/runs';
import { COLLECTIONS } from './db';
import { isDuplicateKeyError } from './errors';

export interface RunLock {
  workflowId: string;
  at: Date;
}

interface LockDoc {
  _id: string;
  accountId: string;
  generation: number;
  workflowId: string;
  at: Date;
  releasedAt?: Date;
}

export type { HolderCheck, HolderStatus } from '../core/runs';

export type AcquireResult =
  /** The lock is ours (it was free, already ours, or taken over from a dead holder). */
  | { status: 'acquired'; stolenFrom?: string }
  /** Another run is in progress. */
  | { status: 'held'; holder: RunLock }
  | { status: 'account-not-found' };

/**
 * A holder not found in Temporal this young is treated as running: the API takes the lock just before it
 * starts the workflow, so a brief "not found" is the normal start-up gap, not a dead run.
 */
export const NOT_FOUND_GRACE_MS = 2 * 60_000;

/** Generations are zero-padded so ids sort like numbers. */
const lockId = (accountId: string, generation: number) =>
  `${accountId}#${String(generation).padStart(12, '0')}`;

/** The lock's operations over its own collection. */
export class RunLocks {
  private readonly locks: Collection<LockDoc>;
  private readonly accounts: Collection<{ _id: string }>;
  private readonly now: () => Date;

  constructor(db: Db, options: { now?: () => Date } = {}) {
    this.locks = db.collection<LockDoc>(COLLECTIONS.runLocks);
    this.accounts = db.collection<{ _id: string }>(COLLECTIONS.accounts);
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Takes the account's lock for `workflowId`: acquired when free or already held by the same workflow;
   * when another workflow holds it, `isRunning` decides: a closed holder (or one unknown to Temporal for
   * longer than {@link NOT_FOUND_GRACE_MS}) is replaced by inserting the next generation, so of several
   * runs racing for a free or dead lock exactly one wins.
   */
  async acquire(accountId: string, workflowId: string, isRunning: HolderCheck): Promise<AcquireResult> {
    if (!(await this.accounts.findOne({ _id: accountId }))) return { status: 'account-not-found' };
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.current(accountId);
      const held = current && !current.releasedAt ? current : null;
      if (held?.workflowId === workflowId) return { status: 'acquired' };
      if (held) {
        const status = await isRunning(held.workflowId);
        const young = this.now().getTime() - new Date(held.at).getTime() < NOT_FOUND_GRACE_MS;
        if (status === 'running' || (status === 'not-found' && young)) {
          return { status: 'held', holder: { workflowId: held.workflowId, at: held.at } };
        }
      }
      const generation = (current?.generation ?? 0) + 1;
      try {
        await this.locks.insertOne({
          _id: lockId(accountId, generation),
          accountId,
          generation,
          workflowId,
          at: this.now(),
        });
      } catch (err) {
        // Another run took this generation first: look again.
        if (isDuplicateKeyError(err)) continue;
        throw err;
      }
      // A caller acting on a stale read can only re-insert a generation older than the latest (old ones are
      // deleted below), so the lock is ours only if our generation is still the latest.
      const latest = await this.current(accountId);
      if (latest && latest.generation > generation) {
        return { status: 'held', holder: { workflowId: latest.workflowId, at: latest.at } };
      }
      // Older generations are history now; keep the one just replaced for diagnosis.
      await this.locks.deleteMany({ accountId, generation: { $lt: generation - 1 } });
      return held ? { status: 'acquired', stolenFrom: held.workflowId } : { status: 'acquired' };
    }
    throw new Error(`the run lock of account ${accountId} kept changing; try again`);
  }

  /**
   * Frees the lock if `workflowId` holds it: a late release by an old run never frees a newer run's lock
   * (it only ever marks its own generation). Idempotent.
   * @returns true when this call freed it
   */
  async release(accountId: string, workflowId: string): Promise<boolean> {
    const current = await this.current(accountId);
    if (!current || current.releasedAt || current.workflowId !== workflowId) return false;
    const result = await this.locks.updateOne(
      { _id: current._id, releasedAt: { $exists: false } },
      { $set: { releasedAt: this.now() } },
    );
    return result.modifiedCount === 1;
  }

  /** The current holder, or null when the lock is free. */
  async get(accountId: string): Promise<RunLock | null> {
    const current = await this.current(accountId);
    return current && !current.releasedAt ? { workflowId: current.workflowId, at: current.at } : null;
  }

  private async current(accountId: string): Promise<LockDoc | null> {
    const [latest] = await this.locks.find({ accountId }).sort({ generation: -1 }).limit(1).toArray();
    return latest ?? null;
  }
}
