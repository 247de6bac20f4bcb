/**
 * Acumatica push-notification webhooks of each account: the secret Acumatica sends in the destination's one
 * custom header (only its SHA-256 is stored: the secret is random and long, so a plain hash is enough), and
 * the notifications that were refused, kept for inspection.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS } from './db';
import { newId, randomToken } from './ids';

/** The header Acumatica's webhook destination is set to send. */
export const WEBHOOK_SECRET_HEADER = 'X-Connector-Webhook-Secret';
/** Rejected notifications kept per account (the oldest go first). */
export const MAX_KEPT_REJECTS = 100;
/** Longest body text kept of a rejected notification. */
const MAX_KEPT_BODY = 16_000;

interface SecretDoc {
  _id: string;
  hash: string;
  createdAt: Date;
}

export interface RejectedNotification {
  _id: string;
  accountId: string;
  at: Date;
  reason: string;
  /** The body as received (cut to 16 000 characters). */
  body: string;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export class WebhookRepository {
  private readonly secrets: Collection<SecretDoc>;
  private readonly rejects: Collection<RejectedNotification>;
  private readonly now: () => Date;

  constructor(db: Db, options: { now?: () => Date } = {}) {
    this.secrets = db.collection<SecretDoc>(COLLECTIONS.webhookSecrets);
    this.rejects = db.collection<RejectedNotification>(COLLECTIONS.webhookRejects);
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Creates or replaces the account's webhook secret. The plaintext is returned once and never stored; the
   * old secret stops working at once (set the new one in Acumatica's destination right after).
   */
  async rotateSecret(accountId: string): Promise<{ secret: string; createdAt: Date }> {
    const secret = `whs_${randomToken(40)}`;
    const createdAt = this.now();
    await this.secrets.updateOne(
      { _id: accountId },
      { $set: { hash: digest(secret).toString('hex'), createdAt } },
      { upsert: true },
    );
    return { secret, createdAt };
  }

  /** When the account's secret was set, or null when it has none (its webhook then refuses everything). */
  async secretCreatedAt(accountId: string): Promise<Date | null> {
    return (await this.secrets.findOne({ _id: accountId }))?.createdAt ?? null;
  }

  /** True when `presented` is the account's secret; compared in constant time. */
  async verify(accountId: string, presented: string | undefined): Promise<boolean> {
    const stored = await this.secrets.findOne({ _id: accountId });
    // Hashed first, so both sides have the same length whatever was presented.
    const given = digest(presented ?? '');
    const expected = stored ? Buffer.from(stored.hash, 'hex') : digest(`no secret for ${accountId}`);
    return timingSafeEqual(given, expected) && stored !== null && presented !== undefined;
  }

  /** Keeps a refused notification for inspection; only the latest {@link MAX_KEPT_REJECTS} stay. */
  async keepRejected(accountId: string, reason: string, body: string): Promise<void> {
    await this.rejects.insertOne({
      _id: newId('whr'),
      accountId,
      at: this.now(),
      reason,
      body: body.length > MAX_KEPT_BODY ? `${body.slice(0, MAX_KEPT_BODY)}…` : body,
    });
    const old = await this.rejects
      .find({ accountId })
      .sort({ at: -1, _id: -1 })
      .skip(MAX_KEPT_REJECTS)
      .project<{ _id: string }>({ _id: 1 })
      .toArray();
    if (old.length > 0) await this.rejects.deleteMany({ _id: { $in: old.map((d) => d._id) } });
  }

  /** The account's refused notifications, newest first. */
  async listRejected(accountId: string, limit = 50): Promise<RejectedNotification[]> {
    return this.rejects.find({ accountId }).sort({ at: -1, _id: -1 }).limit(limit).toArray();
  }
}
