/**
 * Accounts: settings, the Acumatica connection, encrypted secrets, and their API keys (kept by
 * api-keys.ts). Normal reads never return secrets; they are decrypted only by {@link AccountRepository.getConnectionWithSecrets}
 * with the master keys passed in.
 */
import { createHash } from 'node:crypto';
import type { Collection, Db, Document, Filter } from 'mongodb';
import { ENTITY_TYPES } from '../core/entities';
import {
  accountNameSchema,
  resolveConnection,
  resolveSettings,
  type AccountSettings,
  type AcumaticaConnection,
  type ConnectionSecrets,
} from '../core/settings';
import { parseOrThrow } from '../core/validation';
import { z } from 'zod';
import { COLLECTIONS, recordCollectionName } from './db';
import { ConcurrentUpdateError } from './errors';
import { ApiKeys, apiKeyLabelSchema, type ApiKeyInfo } from './api-keys';
import { newId } from './ids';
import type { Page, PageOptions } from './records';
import type { EncryptedSecret, SecretBox } from './secrets';

const SECRET_FIELDS = ['restPassword', 'clientSecret'] as const;
type SecretField = (typeof SECRET_FIELDS)[number];

interface AccountDoc {
  _id: string;
  name: string;
  settings: AccountSettings;
  connection?: AcumaticaConnection;
  secrets: Partial<Record<SecretField, EncryptedSecret>>;
  createdAt: Date;
  updatedAt: Date;
}

/** An account as every normal read returns it: no secrets, only whether they are set. */
export interface Account {
  id: string;
  name: string;
  settings: AccountSettings;
  connection: (AcumaticaConnection & { hasRestPassword: boolean; hasClientSecret: boolean }) | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An account's connection with decrypted secrets, for the worker's Acumatica client only. */
export interface ConnectionWithSecrets {
  connection: AcumaticaConnection;
  secrets: ConnectionSecrets;
  /** See {@link AccountRepository.connectionVersion}. */
  version: string;
}

/**
 * A digest of the stored connection and its encrypted secrets: it changes whenever the connection or a
 * secret is edited (and when secrets are re-encrypted under a new master key). It reveals nothing.
 */
function connectionVersionOf(doc: Pick<AccountDoc, 'connection' | 'secrets'>): string {
  return createHash('sha256')
    .update(JSON.stringify({ connection: doc.connection, secrets: doc.secrets }))
    .digest('hex')
    .slice(0, 32);
}

function toAccount(doc: AccountDoc): Account {
  return {
    id: doc._id,
    name: doc.name,
    settings: doc.settings,
    connection: doc.connection
      ? {
          ...doc.connection,
          hasRestPassword: doc.secrets.restPassword !== undefined,
          hasClientSecret: doc.secrets.clientSecret !== undefined,
        }
      : null,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

const secretContext = (accountId: string, field: SecretField) => `${accountId}/${field}`;

export class AccountRepository {
  private readonly accounts: Collection<AccountDoc>;
  private readonly apiKeys: ApiKeys;
  private readonly now: () => Date;

  constructor(
    private readonly db: Db,
    options: { now?: () => Date } = {},
  ) {
    this.accounts = db.collection<AccountDoc>(COLLECTIONS.accounts);
    this.now = options.now ?? (() => new Date());
    this.apiKeys = new ApiKeys(db, this.now);
  }

  /**
   * Creates an account with validated settings (defaults for what is not given), an optional connection
   * whose secrets are encrypted with `box`, and a first API key, returned in plaintext only here.
   * @throws ValidationError naming every bad field
   */
  async create(
    input: { name: string; settings?: unknown; connection?: unknown },
    box: SecretBox,
  ): Promise<{ account: Account; apiKey: string }> {
    const name = parseOrThrow(z.object({ name: accountNameSchema }), { name: input.name }).name;
    const settings = resolveSettings(undefined, input.settings);
    const id = newId('acc');
    const now = this.now();
    const doc: AccountDoc = { _id: id, name, settings, secrets: {}, createdAt: now, updatedAt: now };
    if (input.connection !== undefined) {
      const resolved = resolveConnection(undefined, input.connection);
      doc.connection = resolved.connection;
      for (const field of SECRET_FIELDS) {
        const value = resolved.secrets[field];
        if (typeof value === 'string') doc.secrets[field] = box.encrypt(value, secretContext(id, field));
      }
    }
    await this.accounts.insertOne(doc);
    const created = await this.createApiKey(id, 'initial');
    if (!created) throw new Error(`account ${id} vanished while it was being created`);
    return { account: toAccount(doc), apiKey: created.key };
  }

  /** The account without secrets, or null. */
  async get(id: string): Promise<Account | null> {
    const doc = await this.accounts.findOne({ _id: id });
    return doc ? toAccount(doc) : null;
  }

  /** Accounts ordered by id, keyset-paged. */
  async list(options: PageOptions = {}): Promise<Page<Account>> {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 500);
    const filter: Filter<AccountDoc> = options.after ? { _id: { $gt: options.after } } : {};
    const docs = await this.accounts
      .find(filter)
      .sort({ _id: 1 })
      .limit(limit + 1)
      .toArray();
    const items = docs.slice(0, limit).map(toAccount);
    return { items, nextCursor: docs.length > limit ? (items.at(-1)?.id ?? null) : null };
  }

  /** Renames an account. @returns null when it does not exist */
  async rename(id: string, name: string): Promise<Account | null> {
    const valid = parseOrThrow(z.object({ name: accountNameSchema }), { name }).name;
    const doc = await this.accounts.findOneAndUpdate(
      { _id: id },
      { $set: { name: valid, updatedAt: this.now() } },
      { returnDocument: 'after' },
    );
    return doc ? toAccount(doc) : null;
  }

  /**
   * Applies a settings patch, validated as a whole against the current settings. Compare-and-set on
   * `updatedAt` so two concurrent patches cannot undo each other.
   * @returns null when the account does not exist
   * @throws ValidationError naming every bad field
   */
  async updateSettings(id: string, patch: unknown): Promise<Account | null> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.accounts.findOne({ _id: id });
      if (!current) return null;
      const settings = resolveSettings(current.settings, patch);
      const updatedAt = this.later(current.updatedAt);
      const result = await this.accounts.updateOne(
        { _id: id, updatedAt: current.updatedAt },
        { $set: { settings, updatedAt } },
      );
      if (result.matchedCount === 1) return toAccount({ ...current, settings, updatedAt });
    }
    throw new ConcurrentUpdateError(`account ${id} settings kept changing; try again`);
  }

  /**
   * Clears "full sync on next run" after a full run completed. Only when the settings were last changed
   * before the run started (`setBefore`): a request made during the run is kept for the next one.
   */
  async clearFullSyncFlag(id: string, setBefore: Date): Promise<boolean> {
    const result = await this.accounts.updateOne(
      { _id: id, 'settings.fullSyncOnNextRun': true, updatedAt: { $lte: setBefore } },
      { $set: { 'settings.fullSyncOnNextRun': false, updatedAt: this.later(setBefore) } },
    );
    return result.modifiedCount === 1;
  }

  /**
   * Sets the connection (first time: every required field) or patches it; given secrets are encrypted
   * with `box` and replace the stored ones, `clientSecret: null` deletes it.
   * @returns null when the account does not exist
   * @throws ValidationError naming every bad field
   */
  async setConnection(id: string, input: unknown, box: SecretBox): Promise<Account | null> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.accounts.findOne({ _id: id });
      if (!current) return null;
      const resolved = resolveConnection(
        current.connection
          ? {
              connection: current.connection,
              secrets: {
                restPassword: current.secrets.restPassword !== undefined,
                clientSecret: current.secrets.clientSecret !== undefined,
              },
            }
          : undefined,
        input,
      );
      const secrets = { ...current.secrets };
      for (const field of SECRET_FIELDS) {
        const value = resolved.secrets[field];
        if (value === null) delete secrets[field];
        else if (value !== undefined) secrets[field] = box.encrypt(value, secretContext(id, field));
      }
      const updatedAt = this.later(current.updatedAt);
      const result = await this.accounts.updateOne(
        { _id: id, updatedAt: current.updatedAt },
        { $set: { connection: resolved.connection, secrets, updatedAt } },
      );
      if (result.matchedCount === 1) {
        return toAccount({ ...current, connection: resolved.connection, secrets, updatedAt });
      }
    }
    throw new ConcurrentUpdateError(`account ${id} connection kept changing; try again`);
  }

  /**
   * The connection with its secrets decrypted with `box`. For the worker building an Acumatica client;
   * never put the result in logs, API responses or workflow payloads.
   * @returns null when the account does not exist or has no connection
   * @throws SecretDecryptionError when `box` does not hold the key the secrets were encrypted with
   */
  async getConnectionWithSecrets(id: string, box: SecretBox): Promise<ConnectionWithSecrets | null> {
    const doc = await this.accounts.findOne({ _id: id });
    if (!doc?.connection) return null;
    const secrets: ConnectionSecrets = {};
    for (const field of SECRET_FIELDS) {
      const value = doc.secrets[field];
      if (value) secrets[field] = box.decrypt(value, secretContext(id, field));
    }
    return { connection: doc.connection, secrets, version: connectionVersionOf(doc) };
  }

  /**
   * The version of the account's connection (a digest of it and its encrypted secrets): a run records it
   * when it starts and its page activities refuse a connection edited since.
   * @returns null when the account does not exist or has no connection
   */
  async connectionVersion(id: string): Promise<string | null> {
    const doc = await this.accounts.findOne({ _id: id }, { projection: { connection: 1, secrets: 1 } });
    return doc?.connection ? connectionVersionOf(doc) : null;
  }

  /**
   * Re-encrypts every secret not under the primary key of `box` (which must also hold the old keys).
   * @returns how many accounts were rewritten
   */
  async rotateSecrets(box: SecretBox): Promise<number> {
    let rewritten = 0;
    for await (const doc of this.accounts.find({}, { projection: { _id: 1, secrets: 1 } })) {
      const secrets = { ...doc.secrets };
      let changed = false;
      for (const field of SECRET_FIELDS) {
        const value = secrets[field];
        if (value && box.needsRotation(value)) {
          const context = secretContext(doc._id, field);
          secrets[field] = box.encrypt(box.decrypt(value, context), context);
          changed = true;
        }
      }
      if (!changed) continue;
      // Guarded on the old values so a concurrent connection change is not overwritten.
      const result = await this.accounts.updateOne(
        { _id: doc._id, secrets: doc.secrets },
        { $set: { secrets } },
      );
      rewritten += result.modifiedCount;
    }
    return rewritten;
  }

  /**
   * Deletes the account and everything it owns: records of every type, API keys, watermarks and
   * notifications. Records go first so a crash half-way leaves the account to retry the delete.
   * @returns false when the account did not exist
   */
  async delete(id: string): Promise<boolean> {
    const exists = await this.accounts.countDocuments({ _id: id }, { limit: 1 });
    if (exists === 0) return false;
    const owned = [
      ...ENTITY_TYPES.map(recordCollectionName),
      COLLECTIONS.watermarks,
      COLLECTIONS.notifications,
      COLLECTIONS.runLocks,
    ];
    for (const name of owned) await deleteInChunks(this.db.collection(name), id);
    await this.apiKeys.revokeAll(id);
    const result = await this.accounts.deleteOne({ _id: id });
    return result.deletedCount === 1;
  }

  /**
   * Creates an API key for the account. The plaintext key is returned once; only its hash is stored.
   * @returns null when the account does not exist
   */
  async createApiKey(accountId: string, label?: string): Promise<{ info: ApiKeyInfo; key: string } | null> {
    if (label !== undefined) label = parseOrThrow(z.object({ label: apiKeyLabelSchema }), { label }).label;
    if ((await this.accounts.countDocuments({ _id: accountId }, { limit: 1 })) === 0) return null;
    return this.apiKeys.issue(accountId, label);
  }

  /** The account's API keys (never the keys themselves). */
  async listApiKeys(accountId: string): Promise<ApiKeyInfo[]> {
    return this.apiKeys.list(accountId);
  }

  /** Revokes one of the account's keys. @returns false when no such key belongs to the account */
  async revokeApiKey(accountId: string, keyId: string): Promise<boolean> {
    return this.apiKeys.revoke(accountId, keyId);
  }

  /**
   * The account an API key belongs to, or null for an unknown or revoked key (a revoked key is deleted,
   * so it fails from the next request on). Records when the key was used, to the minute.
   */
  async authenticate(key: string): Promise<Account | null> {
    const accountId = await this.apiKeys.accountOf(key);
    return accountId === null ? null : this.get(accountId);
  }

  /** A timestamp strictly after `previous`, so compare-and-set on `updatedAt` never sees two versions alike. */
  private later(previous: Date): Date {
    return new Date(Math.max(this.now().getTime(), previous.getTime() + 1));
  }
}

/** Documents deleted per command when an account is deleted (see {@link deleteInChunks}). */
export const DELETE_CHUNK = 5_000;

/**
 * Deletes an account's documents from one collection a chunk of ids at a time. One `deleteMany` over
 * the whole account fails on FerretDB's SQLite backend past ~32,000 documents (it binds every matching
 * `_id` as a variable of one statement, and SQLite allows 32,766); chunks of ids read from the
 * `{accountId, _id}` index stay far below that on any store.
 */
async function deleteInChunks(collection: Collection<Document>, accountId: string): Promise<void> {
  for (;;) {
    const ids = (
      await collection
        .find({ accountId }, { projection: { _id: 1 } })
        .sort({ _id: 1 })
        .limit(DELETE_CHUNK)
        .toArray()
    ).map((d) => d._id);
    if (ids.length === 0) return;
    await collection.deleteMany({ accountId, _id: { $in: ids } });
  }
}
