/**
 * Pull watermarks: per account and entity type, the Acumatica modified time up to which a pull
 * completed. Advanced monotonically with `$max`, so a late or retried activity can never move it back.
 */
import type { Collection, Db } from 'mongodb';
import type { EntityType } from '../core/entities';
import { COLLECTIONS } from './db';

interface WatermarkDoc {
  _id: string;
  accountId: string;
  entity: EntityType;
  watermark: Date;
  updatedAt: Date;
}

export interface Watermark {
  entity: EntityType;
  watermark: Date;
  updatedAt: Date;
}

export class WatermarkRepository {
  private readonly collection: Collection<WatermarkDoc>;
  private readonly now: () => Date;

  constructor(db: Db, options: { now?: () => Date } = {}) {
    this.collection = db.collection<WatermarkDoc>(COLLECTIONS.watermarks);
    this.now = options.now ?? (() => new Date());
  }

  /** The watermark, or null before the first completed pull. */
  async get(accountId: string, entity: EntityType): Promise<Date | null> {
    const doc = await this.collection.findOne({ _id: `${accountId}/${entity}` });
    return doc?.watermark ?? null;
  }

  /** Every watermark of the account. */
  async list(accountId: string): Promise<Watermark[]> {
    const docs = await this.collection.find({ accountId }).sort({ entity: 1 }).toArray();
    return docs.map(({ entity, watermark, updatedAt }) => ({ entity, watermark, updatedAt }));
  }

  /**
   * Moves the watermark to `to` unless it is already later. One atomic upsert.
   * @returns the watermark after the call (the later of the stored one and `to`)
   */
  async advance(accountId: string, entity: EntityType, to: Date): Promise<Date> {
    const doc = await this.collection.findOneAndUpdate(
      { _id: `${accountId}/${entity}` },
      { $max: { watermark: to }, $set: { updatedAt: this.now() }, $setOnInsert: { accountId, entity } },
      { upsert: true, returnDocument: 'after' },
    );
    return doc?.watermark ?? to;
  }

  /** Forgets the watermark of one entity type, or of all, so the next pull starts from the window. */
  async reset(accountId: string, entity?: EntityType): Promise<number> {
    const result = await this.collection.deleteMany(entity ? { accountId, entity } : { accountId });
    return result.deletedCount;
  }
}
