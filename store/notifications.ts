/**
 * Notifications: the run summaries shown to users ("automatic reminders"), newest first, read/unread.
 * Writing a run's summary is idempotent: a retried finish activity stores it once.
 */
import type { Collection, Db, Filter } from 'mongodb';
import { describeCounts, type RunSummary } from '../core/runs';
import { COLLECTIONS } from './db';
import { derivedId } from './ids';
import type { Page } from './records';

export interface Notification {
  _id: string;
  accountId: string;
  kind: 'run-summary';
  title: string;
  /** The run's workflow id: the sync log in Temporal has the rest of the run's story. */
  workflowId: string;
  summary: RunSummary;
  read: boolean;
  readAt?: Date;
  createdAt: Date;
}

export interface NotificationListOptions {
  unreadOnly?: boolean;
  /** Cursor from the previous page. */
  after?: string;
  limit?: number;
}

function encodeCursor(doc: Notification): string {
  return Buffer.from(JSON.stringify([doc.createdAt.getTime(), doc._id])).toString('base64url');
}

function decodeCursor(cursor: string): [Date, string] | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'number' && typeof parsed[1] === 'string') {
      return [new Date(parsed[0]), parsed[1]];
    }
  } catch {
    // A malformed cursor reads as "no cursor" below.
  }
  return null;
}

/**
 * A one-line title such as "Full sync partial: 12 pushed, 30 pulled, 4 skipped, 1 failed, 1 entity type
 * failed" (see `describeCounts`).
 */
export function summaryTitle(summary: RunSummary): string {
  const kind = summary.full ? 'Full sync' : 'Sync';
  return `${kind} ${summary.outcome}: ${describeCounts(summary)}`;
}

export class NotificationRepository {
  private readonly collection: Collection<Notification>;
  private readonly now: () => Date;

  constructor(db: Db, options: { now?: () => Date } = {}) {
    this.collection = db.collection<Notification>(COLLECTIONS.notifications);
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Stores a run's summary as an unread notification. Idempotent per workflow run: the id derives from
   * the account, workflow id and run id, and a second call changes nothing.
   * @returns the notification id
   */
  async recordRunSummary(accountId: string, workflowId: string, summary: RunSummary): Promise<string> {
    const id = derivedId('ntf', accountId, workflowId, summary.runId);
    const doc: Notification = {
      _id: id,
      accountId,
      kind: 'run-summary',
      title: summaryTitle(summary),
      workflowId,
      summary,
      read: false,
      createdAt: this.now(),
    };
    await this.collection.updateOne({ _id: id }, { $setOnInsert: doc }, { upsert: true });
    return id;
  }

  /** One notification of the account, or null. */
  async get(accountId: string, id: string): Promise<Notification | null> {
    return this.collection.findOne({ _id: id, accountId });
  }

  /** The account's notifications, newest first, keyset-paged on (createdAt, id). */
  async list(accountId: string, options: NotificationListOptions = {}): Promise<Page<Notification>> {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 20), 1), 200);
    const clauses: Filter<Notification>[] = [{ accountId }];
    if (options.unreadOnly) clauses.push({ read: false });
    const cursor = options.after ? decodeCursor(options.after) : null;
    if (cursor) {
      const [at, id] = cursor;
      clauses.push({ $or: [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: id } }] });
    }
    const docs = await this.collection
      .find({ $and: clauses })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit + 1)
      .toArray();
    const items = docs.slice(0, limit);
    const last = items.at(-1);
    return { items, nextCursor: docs.length > limit && last ? encodeCursor(last) : null };
  }

  /** Number of unread notifications of the account. */
  async countUnread(accountId: string): Promise<number> {
    return this.collection.countDocuments({ accountId, read: false });
  }

  /**
   * Marks notifications read: the given ids, or all of the account's.
   * @returns how many changed from unread to read
   */
  async markRead(accountId: string, ids: readonly string[] | 'all'): Promise<number> {
    const filter: Filter<Notification> = { accountId, read: false };
    if (ids !== 'all') filter._id = { $in: [...ids] };
    const result = await this.collection.updateMany(filter, { $set: { read: true, readAt: this.now() } });
    return result.modifiedCount;
  }
}
