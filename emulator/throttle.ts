/**
 * Licence throttling as Acumatica documents it (api-reference §7): requests wait for one of
 * `maxConcurrentRequests` processing cores in a single queue; once the past minute has used half of
 * `maxRequestsPerMinute`, each request is delayed by (time left until 60 s after the first request of the
 * past minute) ÷ (limit − requests processed in that minute); a request is declined (429) when the queue
 * already holds `maxQueue` requests or it waited longer than `maxWaitMs`. Declined requests are not counted.
 * 0 switches a limit off.
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
  timer?: NodeJS.Timeout;
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
  private pumpTimer: NodeJS.Timeout | undefined;
  readonly stats: ThrottleStats = { delayed: 0, declined: 0 };

  constructor(private readonly limits: () => ThrottleLimits) {}

  /** Waits for a core and the per-minute delay; resolves with the release callback, or rejects with RequestDeclined. */
  acquire(): Promise<() => void> {
    const l = this.limits();
    if (l.maxQueue > 0 && this.queue.length >= l.maxQueue && !this.canStartNow()) {
      this.stats.declined++;
      return Promise.reject(new RequestDeclined('The request was declined: the API request queue is full.'));
    }
    return new Promise((resolve, reject) => {
      const w: Waiter = { enqueuedAt: Date.now(), resolve, reject };
      if (l.maxWaitMs > 0) {
        w.timer = setTimeout(() => {
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
    const now = Date.now();
    this.processed = this.processed.filter((t) => now - t < 60_000);
    const count = this.processed.length;
    if (count < limit / 2) return 0;
    const untilWindowEnd = this.processed[0]! + 60_000 - now;
    if (count >= limit) return untilWindowEnd;
    return untilWindowEnd / (limit - count);
  }

  private lastStart = 0;

  private pump(): void {
    if (this.pumpTimer) return;
    const l = this.limits();
    while (
      this.queue.length > 0 &&
      (l.maxConcurrentRequests <= 0 || this.running < l.maxConcurrentRequests)
    ) {
      const delay = this.delayNow();
      // The delay is spaced from the previous start so consecutive requests spread over the minute.
      const wait = Math.max(0, delay - (Date.now() - this.lastStart));
      if (delay > 0 && wait > 0) {
        this.pumpTimer = setTimeout(() => {
          this.pumpTimer = undefined;
          this.pump();
        }, wait);
        return;
      }
      const w = this.queue.shift()!;
      if (w.timer) clearTimeout(w.timer);
      if (delay > 0) this.stats.delayed++;
      this.running++;
      this.lastStart = Date.now();
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
