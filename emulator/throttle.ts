/**
 * Licence throttling as Acumatica documents it (api-reference §7): requests wait for one of
 * `maxConcurrentRequests` processing cores in a single queue; once the past minute has used half of
 * `maxRequestsPerMinute`, each request is delayed by (time left until 60 s after the first request of the
 * past minute) ÷ (limit − requests processed in that minute); a request is declined (429) when the queue
 * already holds `maxQueue` requests or it waited longer than `maxWaitMs`. Declined requests are not counted.
 * 0 switches a limit off. Time comes from the emulator's clock (`now`), so tests can drive it; timers are
 * injectable for the same reason.
 */

export interface ThrottleLimits {
  maxConcurrentRequests: number;
  maxRequestsPerMinute: number;
  maxQueue: number;
  maxWaitMs: number;
}

export class RequestDeclined extends Error {}

interface Waiter {
  enqueuedAt: number;
  resolve: (release: () => void) => void;
  reject: (err: Error) => void;
  cancelTimer?: () => void;
}

/** Schedules `fn` after `ms` milliseconds; returns a cancel function. */
export type SetTimer = (fn: () => void, ms: number) => () => void;

const realTimer: SetTimer = (fn, ms) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

export interface ThrottleClock {
  /** Current time in ms (the emulator's clock). */
  now: () => number;
  setTimer?: SetTimer;
}

export interface ThrottleStats {
  delayed: number;
  declined: number;
}

export class LicenceThrottle {
  private running = 0;
  private readonly queue: Waiter[] = [];
  /** Start times of requests processed in the past minute. */
  private processed: number[] = [];
  private pumpTimer: (() => void) | undefined;
  private lastStart = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;
  private readonly setTimer: SetTimer;
  readonly stats: ThrottleStats = { delayed: 0, declined: 0 };

  constructor(
    private readonly limits: () => ThrottleLimits,
    clock: ThrottleClock = { now: () => Date.now() },
  ) {
    this.now = clock.now;
    this.setTimer = clock.setTimer ?? realTimer;
  }

  /** Waits for a core and the per-minute delay; resolves with the release callback, or rejects with RequestDeclined. */
  acquire(): Promise<() => void> {
    const l = this.limits();
    if (l.maxQueue > 0 && this.queue.length >= l.maxQueue && !this.canStartNow()) {
      this.stats.declined++;
      return Promise.reject(new RequestDeclined('The request was declined: the API request queue is full.'));
    }
    return new Promise((resolve, reject) => {
      const w: Waiter = { enqueuedAt: this.now(), resolve, reject };
      if (l.maxWaitMs > 0) {
        w.cancelTimer = this.setTimer(() => {
          const i = this.queue.indexOf(w);
          if (i < 0) return;
          this.queue.splice(i, 1);
          this.stats.declined++;
          reject(
            new RequestDeclined('The request was declined: it waited in the API request queue too long.'),
          );
        }, l.maxWaitMs);
      }
      this.queue.push(w);
      this.pump();
    });
  }

  private canStartNow(): boolean {
    const l = this.limits();
    return (
      (l.maxConcurrentRequests <= 0 || this.running < l.maxConcurrentRequests) &&
      this.delayNow() <= 0 &&
      this.queue.length === 0
    );
  }

  /** The documented per-minute delay for a request starting now (ms). */
  delayNow(): number {
    const limit = this.limits().maxRequestsPerMinute;
    if (limit <= 0) return 0;
    const now = this.now();
    this.processed = this.processed.filter((t) => now - t < 60_000);
    const count = this.processed.length;
    if (count < limit / 2) return 0;
    const untilWindowEnd = this.processed[0]! + 60_000 - now;
    if (count >= limit) return untilWindowEnd;
    return untilWindowEnd / (limit - count);
  }

  private pump(): void {
    if (this.pumpTimer) return;
    const l = this.limits();
    while (
      this.queue.length > 0 &&
      (l.maxConcurrentRequests <= 0 || this.running < l.maxConcurrentRequests)
    ) {
      const delay = this.delayNow();
      // A request is delayed from the moment it reached the head of the queue (its arrival, or the previous
      // start when it had to queue), so a burst is spread over the rest of the minute.
      const head = this.queue[0]!;
      const wait = Math.max(0, Math.max(head.enqueuedAt, this.lastStart) + delay - this.now());
      if (delay > 0 && wait > 0) {
        this.pumpTimer = this.setTimer(() => {
          this.pumpTimer = undefined;
          this.pump();
        }, wait);
        return;
      }
      const w = this.queue.shift()!;
      w.cancelTimer?.();
      if (delay > 0) this.stats.delayed++;
      this.running++;
      this.lastStart = this.now();
      this.processed.push(this.lastStart);
      let released = false;
      w.resolve(() => {
        if (released) return;
        released = true;
        this.running--;
        this.pump();
      });
    }
  }

  /** Requests waiting for a core or their delay. */
  queued(): number {
    return this.queue.length;
  }
}
