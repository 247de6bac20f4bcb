/**
 * A fresh database per test file on the harness's MongoDB/FerretDB (`MONGODB_URL`), dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { connectMongo, ensureIndexes, type MongoConnection } from '../../../store/db';
import { createStore, type Store } from '../../../store/index';

export interface TestDb {
  db: Db;
  store: Store;
  close(): Promise<void>;
}

/** Connects, creates the indexes in a database of its own and returns the store over it. */
export async function openTestDb(now?: () => Date): Promise<TestDb> {
  const url = process.env.MONGODB_URL;
  if (!url) throw new Error('MONGODB_URL is not set: run integration tests through the test harness');
  const name = `test_store_${randomBytes(6).toString('hex')}`;
  const connection: MongoConnection = await connectMongo(url, name);
  await ensureIndexes(connection.db);
  return {
    db: connection.db,
    store: createStore(connection.db, now ? { now } : {}),
    close: async () => {
      await connection.db.dropDatabase();
      await connection.close();
    },
  };
}
