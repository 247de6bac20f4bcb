/**
 * The outcomes of a page's successful pushes, written back to the store together: one `bulkWrite` per
 * entity type for up to {@link OUTCOME_BATCH} records (or what {@link OUTCOME_MAX_WAIT_MS} gathered)
 * instead of one update per record (the largest share of a push's store commands). A record's outcome is durable only once its batch is acknowledged, so the page
 * reports progress past a record only then (index.ts), and a retried attempt re-sends what was not written:
 * an update by key again, or an auto-numbered create found through its push intent (create-once.ts).
 */
import type { EntityType } from '../../core/entities';
import type { SyncedOutcome } from '../../store/records/push-outcomes';
import { repoOf, type PusherArgs } from './shared';

/** Outcomes written in one store command. */
export const OUTCOME_BATCH = 50;
/**
 * Longest an outcome waits for its batch to fill. Behind a slow licence a batch fills slowly (50 records
 * at 60 requests/minute take 50 s); the page's heartbeat passes a record only once its outcome is written,
 * so outcomes never wait longer than this, well inside the activity's heartbeat timeout.
 */
export const OUTCOME_MAX_WAIT_MS = 2_000;

interface Queued {
  outcome: SyncedOutcome & { id: string };
  resolve(): void;
  reject(err: unknown): void;
}

export class OutcomeWrites {
  private readonly queued = new Map<EntityType, Queued[]>();
  private readonly timers = new Map<EntityType, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly args: Pick<PusherArgs, 'records' | 'input'>) {}

  /**
   * Queues a record's successful outcome; sends a batch when the type has {@link OUTCOME_BATCH} queued.
   * @returns settles when the outcome is in the store (rejects with the store's error)
   */
  synced(entity: EntityType, id: string, outcome: SyncedOutcome): Promise<void> {
    const written = new Promise<void>((resolve, reject) => {
      const queue = this.queued.get(entity) ?? [];
      this.queued.set(entity, queue);
      queue.push({ outcome: { id, ...outcome }, resolve, reject });
      if (queue.length >= OUTCOME_BATCH) this.send(entity);
      else if (!this.timers.has(entity)) {
        this.timers.set(
          entity,
          setTimeout(() => this.send(entity), OUTCOME_MAX_WAIT_MS),
        );
      }
    });
    return written;
  }

  /** Sends everything queued and waits for every batch sent so far. @throws the first store error */
  async flush(): Promise<void> {
    for (const entity of [...this.queued.keys()]) this.send(entity);
    const results = await Promise.allSettled([...this.inFlight]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private send(entity: EntityType): void {
    clearTimeout(this.timers.get(entity));
    this.timers.delete(entity);
    const batch = this.queued.get(entity) ?? [];
    this.queued.delete(entity);
    if (batch.length === 0) return;
    const sending = repoOf(this.args.records, entity)
      .markSyncedMany(
        this.args.input.accountId,
        batch.map((q) => q.outcome),
      )
      .then(
        () => batch.forEach((q) => q.resolve()),
        (err: unknown) => {
          batch.forEach((q) => q.reject(err));
          throw err;
        },
      );
    this.inFlight.add(sending);
    void sending.then(
      () => this.inFlight.delete(sending),
      () => undefined,
    );
  }
}
