/**
 * Client-side pacing for the Acumatica licence limits: a smooth requests-per-minute rate (GCRA,
 * i.e. a token bucket expressed as evenly spaced slots) plus a cap on concurrent requests.
 * Acumatica delays requests above half its per-minute limit and declines them once its queue
 * holds 20, so staying under the limits on our side keeps every request fast and never declined.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Time source; injected in tests so pacing is checked without waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal === undefined ? undefined : { signal }),
};

export interface LimiterSettings {
  /** Requests started per minute, spread evenly. */
  requestsPerMinute: number;
  /** Requests in flight at once. */
  maxConcurrent: number;
  /** Requests that may start back-to-back after an idle period (default 1: strictly spaced). */
  burst?: number;
}

/** Releases a permit taken with {@link RequestLimiter.acquire}; calling it twice is harmless. */
export type Release = () => void;

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/** Paces requests of one Acumatica licence; share one instance between all clients of it. */
export class RequestLimiter {
  private intervalMs = 0;
  private toleranceMs = 0;
  private maxConcurrent = 1;
  /** Theoretical arrival time of the next request (GCRA). */
  private tat = Number.NEGATIVE_INFINITY;
  private active = 0;
  private readonly waiters: Waiter[] = [];

  constructor(
    settings: LimiterSettings,
    private readonly clock: Clock = systemClock,
  ) {
    this.setLimits(settings);
  }

  /** Changes the limits in place (settings edited while clients are running). */
  setLimits(settings: LimiterSettings): void {
    if (!(settings.requestsPerMinute > 0)) throw new RangeError('requestsPerMinute must be positive');
    if (!Number.isInteger(settings.maxConcurrent) || settings.maxConcurrent < 1) {
      throw new RangeError('maxConcurrent must be a positive integer');
    }
    const burst = settings.burst ?? 1;
    if (!Number.isInteger(burst) || burst < 1) throw new RangeError('burst must be a positive integer');
    this.intervalMs = 60_000 / settings.requestsPerMinute;
    this.toleranceMs = (burst - 1) * this.intervalMs;
    this.maxConcurrent = settings.maxConcurrent;
    this.wake();
  }

  /**
   * Waits for a concurrency permit, then for the next rate slot, and returns the release
   * function. Rejects with the signal's reason if aborted while waiting (the permit is not held).
   */
  async acquire(signal?: AbortSignal): Promise<Release> {
    await this.takePermit(signal);
    try {
      await this.awaitSlot(signal);
    } catch (err) {
      this.releasePermit();
      throw err;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.releasePermit();
    };
  }

  /** Runs `task` inside a permit. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await task();
    } finally {
      release();
    }
  }

  /**
   * Holds back every new request for `ms` (after a 429 or a throttling answer): all clients that
   * share this limiter slow down together instead of each discovering the limit on its own.
   */
  backoff(ms: number): void {
    if (!(ms > 0)) return;
    this.tat = Math.max(this.tat, this.clock.now() + ms + this.toleranceMs);
  }

  /**
   * How long a request asked for now would wait for its rate slot (0 when it may start at once): long
   * after a back-off, which lets a caller give its worker slot back instead of sleeping in it.
   */
  expectedWaitMs(): number {
    const now = this.clock.now();
    return Math.max(0, Math.max(this.tat, now) - this.toleranceMs - now);
  }

  /** Requests in flight and requests waiting for a permit. */
  stats(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiters.length };
  }

  private async awaitSlot(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    const now = this.clock.now();
    const tat = Math.max(this.tat, now);
    this.tat = tat + this.intervalMs;
    const wait = tat - this.toleranceMs - now;
    if (wait > 0) await this.clock.sleep(wait, signal);
  }

  private takePermit(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    if (this.active < this.maxConcurrent && this.waiters.length === 0) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private releasePermit(): void {
    this.active--;
    this.wake();
  }

  private wake(): void {
    while (this.active < this.maxConcurrent) {
      const next = this.waiters.shift();
      if (next === undefined) return;
      next.signal?.removeEventListener('abort', next.onAbort);
      this.active++;
      next.resolve();
    }
  }
}

/**
 * One limiter per licence key, shared by every client in the process. Key by what shares the
 * licence: the account id when each account has its own instance, or `baseUrl|tenant` when
 * several accounts point at the same Acumatica instance.
 */
export class LimiterRegistry {
  private readonly limiters = new Map<string, RequestLimiter>();

  constructor(private readonly clock: Clock = systemClock) {}

  /** Returns the key's limiter, creating it or updating its limits to `settings`. */
  get(key: string, settings: LimiterSettings): RequestLimiter {
    const existing = this.limiters.get(key);
    if (existing !== undefined) {
      existing.setLimits(settings);
      return existing;
    }
    const limiter = new RequestLimiter(settings, this.clock);
    this.limiters.set(key, limiter);
    return limiter;
  }

  /** Forgets a key (account deleted); clients still holding the limiter keep working. */
  delete(key: string): void {
    this.limiters.delete(key);
  }
}
