/**
 * MongoDB connection and indexes. Works on MongoDB and on FerretDB v1.24 (no partial, sparse or TTL
 * indexes there, so every index below is a plain or unique compound index).
 */
import { MongoClient, type Db, type IndexDescription } from 'mongodb';
import { ENTITY_TYPES, type EntityType } from '../core/entities';

export const COLLECTIONS = {
  accounts: 'accounts',
  apiKeys: 'api_keys',
  watermarks: 'watermarks',
  notifications: 'notifications',
  runLocks: 'run_locks',
  webhookSecrets: 'webhook_secrets',
  webhookRejects: 'webhook_rejects',
} as const;

/** One collection per entity type: `work-orders` → `work_orders`. */
export function recordCollectionName(type: EntityType): string {
  return type.replace(/-/g, '_');
}

export interface MongoConnection {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/**
 * Connects to `url` and returns the database `dbName`. One client per process.
 *
 * On FerretDB (the development and test database) the client uses a single connection. It was the
 * workaround for stock FerretDB v1 losing concurrent updates; the project's build now applies every
 * single-document update atomically, across connections and processes (scripts/ferretdb/*.patch,
 * docs/decisions/0010-atomic-updates-on-the-embedded-store.md), so correctness no longer depends on it.
 * It is kept because every FerretDB figure so far was measured with it; widening it is a separate change.
 */
export async function connectMongo(
  url: string,
  dbName: string,
  options: { appName?: string; serverSelectionTimeoutMS?: number } = {},
): Promise<MongoConnection> {
  const open = async (maxPoolSize?: number) => {
    const client = new MongoClient(url, {
      appName: options.appName ?? 'fs-acumatica-connector',
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
      ...(maxPoolSize ? { maxPoolSize } : {}),
    });
    await client.connect();
    return client;
  };
  let client = await open();
  if (await servedByFerretDB(client.db(dbName))) {
    await client.close();
    client = await open(1);
  }
  return { client, db: client.db(dbName), close: () => client.close() };
}

const backends = new WeakMap<Db, Promise<boolean>>();

/**
 * Whether `db` is served by FerretDB, which says so in `buildInfo` (`ferretdbVersion`; MongoDB has no such
 * field). Asked once per database handle.
 */
export function servedByFerretDB(db: Db): Promise<boolean> {
  let answer = backends.get(db);
  if (!answer) {
    answer = db.command({ buildInfo: 1 }).then((info) => typeof info.ferretdbVersion === 'string');
    backends.set(db, answer);
  }
  return answer;
}

const RECORD_INDEXES: IndexDescription[] = [
  // Push candidates and list-by-state, keyset-paged on _id.
  { key: { accountId: 1, 'sync.state': 1, _id: 1 }, name: 'account_state_id' },
  // Lookups by Acumatica key; not unique because most records have none and partial indexes are unavailable.
  { key: { accountId: 1, 'sync.externalId': 1 }, name: 'account_external_id' },
  { key: { accountId: 1, 'sync.acumaticaId': 1 }, name: 'account_acumatica_id' },
  // "Modified since" lists.
  { key: { accountId: 1, updatedAt: 1, _id: 1 }, name: 'account_updated_id' },
  // Our external reference is what Acumatica documents are found by: one record per ref.
  { key: { accountId: 1, externalRef: 1 }, name: 'account_external_ref', unique: true },
  // Plain listing of an account, keyset-paged on _id.
  { key: { accountId: 1, _id: 1 }, name: 'account_id' },
];

const INDEXES: [collection: string, specs: IndexDescription[]][] = [
  ...ENTITY_TYPES.map((type): [string, IndexDescription[]] => [recordCollectionName(type), RECORD_INDEXES]),
  [COLLECTIONS.accounts, [{ key: { createdAt: 1, _id: 1 }, name: 'created_id' }]],
  [
    COLLECTIONS.apiKeys,
    [
      { key: { hash: 1 }, name: 'hash', unique: true },
      { key: { accountId: 1, createdAt: 1 }, name: 'account_created' },
    ],
  ],
  [COLLECTIONS.watermarks, [{ key: { accountId: 1, entity: 1 }, name: 'account_entity', unique: true }]],
  [COLLECTIONS.runLocks, [{ key: { accountId: 1, generation: -1 }, name: 'account_generation' }]],
  [COLLECTIONS.webhookRejects, [{ key: { accountId: 1, at: -1 }, name: 'account_at' }]],
  [
    COLLECTIONS.notifications,
    [
      { key: { accountId: 1, createdAt: 1 }, name: 'account_created' },
      { key: { accountId: 1, read: 1, createdAt: 1 }, name: 'account_read_created' },
    ],
  ],
];

/**
 * Creates every index the sync and the API rely on. Idempotent: safe at every start-up.
 * One index per command: FerretDB 1.24 drops the connection on a multi-index `createIndexes` whose
 * indexes already exist, which would kill every restart of the worker or the API.
 */
export async function ensureIndexes(db: Db): Promise<void> {
  for (const [collection, specs] of INDEXES) {
    for (const spec of specs) await db.collection(collection).createIndexes([spec]);
  }
}
