/**
 * The store's composition: every repository over one database. Temporal-independent: the API and the
 * worker's activities both build it from their own `Db`.
 */
import type { Db } from 'mongodb';
import { AccountRepository } from './accounts';
import { NotificationRepository } from './notifications';
import { RunLocks } from './run-locks';
import { createRecordRepositories, type RecordRepositories } from './records';
import { WatermarkRepository } from './watermarks';
import { WebhookRepository } from './webhooks';

export interface Store {
  accounts: AccountRepository;
  records: RecordRepositories;
  watermarks: WatermarkRepository;
  notifications: NotificationRepository;
  /** The account run lock: one sync run per account at a time. */
  runLocks: RunLocks;
  /** Resolves when the database answers (readiness). */
  ping(): Promise<void>;
  /** Push-notification webhook secrets and refused notifications. */
  webhooks: WebhookRepository;
}

/** Builds all repositories over `db`; `now` replaces the clock in tests. */
export function createStore(db: Db, options: { now?: () => Date } = {}): Store {
  return {
    accounts: new AccountRepository(db, options),
    records: createRecordRepositories(db, options),
    watermarks: new WatermarkRepository(db, options),
    notifications: new NotificationRepository(db, options),
    runLocks: new RunLocks(db, options),
    ping: async () => {
      await db.command({ ping: 1 });
    },
    webhooks: new WebhookRepository(db, options),
  };
}

export { connectMongo, ensureIndexes, recordCollectionName, COLLECTIONS, type MongoConnection } from './db';
export {
  ConflictError,
  ConcurrentUpdateError,
  PreconditionFailedError,
  UnsupportedOperationError,
} from './errors';
export {
  SecretBox,
  SecretDecryptionError,
  parseMasterKey,
  type EncryptedSecret,
  type MasterKey,
} from './secrets';
export { apiKeyLabelSchema } from './api-keys';
export { WEBHOOK_SECRET_HEADER } from './webhooks';
export type { Account, AccountRepository, ConnectionWithSecrets } from './accounts';
export type { ApiKeyInfo } from './api-keys';
export type { RunLocks } from './run-locks';
export type { Page, PageOptions, PullResult, PulledRecord, RecordFilter, RecordRepository } from './records';
export type { Notification } from './notifications';
