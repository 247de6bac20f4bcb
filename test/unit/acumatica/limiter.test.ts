import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LimiterRegistry, RequestLimiter, type Clock, type Release } from '../../../acumatica/limiter';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A clock whose time moves only when the test says so. */
class FakeClock implements Clock {
  private t = 0;
  private timers: { at: number; resolve: () => void }[] = [];

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = { at: this.t + ms, resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((x) => x !== timer);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Moves time forward, firing due timers in order and letting their continuations run. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await flush();
      const due = this.timers.filter((x) => x.at <= target).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.resolve();
    }
    this.t = target;
    await flush();
  }
}

/** Starts `n` acquisitions and records the fake time at which each one was granted. */
function startMany(limiter: RequestLimiter, clock: FakeClock, n: number, signal?: AbortSignal) {
  const grantedAt: (number | undefined)[] = Array.from({ length: n }, () => undefined);
  const releases: Release[] = [];
  const done = Array.from({ length: n }, (_, i) =>
    limiter.acquire(signal).then((release) => {
      grantedAt[i] = clock.now();
      releases[i] = release;
    }),
  );
  return { grantedAt, releases, done };
}

describe('RequestLimiter', () => {
  it('spaces requests evenly at the per-minute rate', async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ requestsPerMinute: 60, maxConcurrent: 10 }, clock);
    const run = startMany(limiter, clock, 5);
    await clock.advance(10_000);
    await Promise.all(run.done);
    assert.deepEqual(run.grantedAt, [0, 1000, 2000, 3000, 4000]);
  });

  it('allows a burst after idle time, then returns to the steady rate', async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ requestsPerMinute: 60, maxConcurrent: 10, burst: 3 }, clock);
    const run = startMany(limiter, clock, 5);
    await clock.advance(10_000);
    await Promise.all(run.done);
    assert.deepEqual(run.grantedAt, [0, 0, 0, 1000, 2000]);
  });

  it('caps requests in flight and hands permits out in arrival order', async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ requestsPerMinute: 60_000, maxConcurrent: 2 }, clock);
    const run = startMany(limiter, clock, 4);
    await clock.advance(10);
    assert.equal(run.grantedAt.filter((t) => t !== undefined).length, 2);
    assert.deepEqual(limiter.stats(), { active: 2, waiting: 2 });
    run.releases[1]?.();
    run.releases[1]?.(); // a second release of the same permit must not free another slot
    await clock.advance(10);
    assert.notEqual(run.grantedAt[2], undefined);
    assert.equal(run.grantedAt[3], undefined);
    assert.deepEqual(limiter.stats(), { active: 2, waiting: 1 });
    run.releases[0]?.();
    await clock.advance(10);
    await Promise.all(run.done);
    assert.equal(limiter.stats().active, 2);
  });

  it('gives up waiting on abort without holding a permit', async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ requestsPerMinute: 60, maxConcurrent: 1 }, clock);
    const first = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    await flush();
    assert.equal(limiter.stats().waiting, 1);
    controller.abort(new Error('cancelled'));
    await assert.rejects(waiting, /cancelled/);
    assert.deepEqual(limiter.stats(), { active: 1, waiting: 0 });
    first();

    // Aborted while waiting for its rate slot: the permit it took is given back.
    const slotWait = new AbortController();
    const pending = limiter.acquire(slotWait.signal);
    await flush();
    assert.equal(limiter.stats().active, 1);
    slotWait.abort(new Error('stop'));
    await assert.rejects(pending, /stop/);
    assert.equal(limiter.stats().active, 0);
  });

  it('holds every request back after a backoff', async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ requestsPerMinute: 600, maxConcurrent: 5 }, clock);
    (await limiter.acquire())();
    limiter.backoff(5000);
    const run = startMany(limiter, clock, 2);
    await clock.advance(4000);
    assert.deepEqual(run.grantedAt, [undefined, undefined]);
    await clock.advance(2000);
    await Promise.all(run.done);
    assert.deepEqual(run.grantedAt, [5000, 5100]);
  });

  it('applies raised concurrency to waiters immediately', async () => {
    const clock = new FakeClock();
    const limiter = new RequestLimiter({ requestsPerMinute: 60_000, maxConcurrent: 1 }, clock);
    const run = startMany(limiter, clock, 3);
    await clock.advance(10);
    assert.equal(limiter.stats().active, 1);
    limiter.setLimits({ requestsPerMinute: 60_000, maxConcurrent: 3 });
    await clock.advance(10);
    await Promise.all(run.done);
    assert.equal(limiter.stats().active, 3);
  });

  it('rejects nonsensical limits', () => {
    assert.throws(() => new RequestLimiter({ requestsPerMinute: 0, maxConcurrent: 1 }), RangeError);
    assert.throws(() => new RequestLimiter({ requestsPerMinute: 10, maxConcurrent: 0 }), RangeError);
    assert.throws(
      () => new RequestLimiter({ requestsPerMinute: 10, maxConcurrent: 1, burst: 0 }),
      RangeError,
    );
  });
});

describe('LimiterRegistry', () => {
  it('shares one limiter per key and updates its limits', async () => {
    const clock = new FakeClock();
    const registry = new LimiterRegistry(clock);
    const a = registry.get('acct-1', { requestsPerMinute: 60, maxConcurrent: 1 });
    const b = registry.get('acct-1', { requestsPerMinute: 60, maxConcurrent: 2, burst: 2 });
    const other = registry.get('acct-2', { requestsPerMinute: 60, maxConcurrent: 1 });
    assert.equal(a, b);
    assert.notEqual(a, other);
    // The update took effect: two permits at once now.
    await a.acquire();
    await a.acquire();
    assert.equal(a.stats().active, 2);
    registry.delete('acct-1');
    assert.notEqual(registry.get('acct-1', { requestsPerMinute: 60, maxConcurrent: 1 }), a);
  });
});
