/**
 * Each account's share of this worker's Acumatica activity slots. An activity of an account that already
 * holds its share gives its slot straight back (a retryable `AccountBusy` failure, retried shortly), so a
 * slow or hung ERP, or an account waiting on its own licence limiter, only ever holds its own share.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES } from '../core/runs';

/** Shortest and longest wait before a busy activity is tried again (jittered so retries spread out). */
const BUSY_RETRY_MS = { min: 1_000, max: 3_000 };

export class AccountActivityGate {
  private readonly running = new Map<string, number>();

  constructor(private readonly maxPerAccount: number) {}

  /**
   * Admits one activity of the account.
   * @returns the function that frees its place
   * @throws a retryable `AccountBusy` ApplicationFailure when the account already holds its share
   */
  enter(accountId: string): () => void {
    const held = this.running.get(accountId) ?? 0;
    if (held >= this.maxPerAccount) {
      throw ApplicationFailure.create({
        type: FAILURE_TYPES.accountBusy,
        message: `account ${accountId} already runs ${held} Acumatica activities on this worker (its share); trying again shortly`,
        category: 'BENIGN',
        nextRetryDelay:
          BUSY_RETRY_MS.min + Math.floor(Math.random() * (BUSY_RETRY_MS.max - BUSY_RETRY_MS.min)),
      });
    }
    this.running.set(accountId, held + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const now = (this.running.get(accountId) ?? 1) - 1;
      if (now <= 0) this.running.delete(accountId);
      else this.running.set(accountId, now);
    };
  }

  /** Activities of the account running now (metrics and tests). */
  runningFor(accountId: string): number {
    return this.running.get(accountId) ?? 0;
  }
}
