/**
 * API keys: each account's keys, stored as sha256 hashes (the plaintext key is shown once, when it is
 * issued), and authenticating a request by its key. The account side of it (a key only for an existing
 * account, the account a key authenticates) is in accounts.ts.
 */
import { createHash } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { z } from 'zod';
import { COLLECTIONS } from './db';
import { newId, randomToken } from './ids';

interface ApiKeyDoc {
  _id: string;
  accountId: string;
  /** sha256 of the key, hex: the key itself is never stored. */
  hash: string;
  /** First characters of the key, to tell keys apart in a list. */
  prefix: string;
  label?: string;
  createdAt: Date;
  /** When the key last authenticated a request (to the minute: see `accountOf`). */
  lastUsedAt?: Date;
}

export interface ApiKeyInfo {
  id: string;
  accountId: string;
  prefix: string;
  label?: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export const apiKeyLabelSchema = z.string().trim().min(1).max(100);

/** A key's last-used time is written at most this often, so authenticating stays a read. */
const LAST_USED_RESOLUTION_MS = 60_000;

const API_KEY_PREFIX = 'fsk_';

function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function toKeyInfo(doc: ApiKeyDoc): ApiKeyInfo {
  return {
    id: doc._id,
    accountId: doc.accountId,
    prefix: doc.prefix,
    ...(doc.label ? { label: doc.label } : {}),
    createdAt: doc.createdAt,
    lastUsedAt: doc.lastUsedAt ?? null,
  };
}

/** The API keys collection; the AccountRepository is its only user. */
export class ApiKeys {
  private readonly keys: Collection<ApiKeyDoc>;

  constructor(
    db: Db,
    private readonly now: () => Date,
  ) {
    this.keys = db.collection<ApiKeyDoc>(COLLECTIONS.apiKeys);
  }

  /** Issues a key for the account: the plaintext key is returned here only; its hash is stored. */
  async issue(accountId: string, label: string | undefined): Promise<{ info: ApiKeyInfo; key: string }> {
    const key = `${API_KEY_PREFIX}${randomToken(40)}`;
    const doc: ApiKeyDoc = {
      _id: newId('key'),
      accountId,
      hash: hashApiKey(key),
      prefix: key.slice(0, API_KEY_PREFIX.length + 6),
      ...(label ? { label } : {}),
      createdAt: this.now(),
    };
    await this.keys.insertOne(doc);
    return { info: toKeyInfo(doc), key };
  }

  /** The account's keys, oldest first (never the keys themselves). */
  async list(accountId: string): Promise<ApiKeyInfo[]> {
    const docs = await this.keys.find({ accountId }).sort({ createdAt: 1, _id: 1 }).toArray();
    return docs.map(toKeyInfo);
  }

  /** Revokes one of the account's keys. @returns false when no such key belongs to the account */
  async revoke(accountId: string, keyId: string): Promise<boolean> {
    const result = await this.keys.deleteOne({ _id: keyId, accountId });
    return result.deletedCount === 1;
  }

  /** Deletes every key of the account. */
  async revokeAll(accountId: string): Promise<void> {
    await this.keys.deleteMany({ accountId });
  }

  /**
   * The id of the account the key belongs to, or null for an unknown or revoked key. Records when the key
   * was used, to the minute.
   */
  async accountOf(key: string): Promise<string | null> {
    if (!key.startsWith(API_KEY_PREFIX)) return null;
    const found = await this.keys.findOne({ hash: hashApiKey(key) });
    if (!found) return null;
    const now = this.now();
    if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      await this.keys.updateOne({ _id: found._id }, { $set: { lastUsedAt: now } });
    }
    return found.accountId;
  }
}
