import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LicenceThrottle, type SetTimer, type ThrottleLimits } from '../../../emulator/throttle';

/** A manual clock and timer queue: nothing waits for real time. */
function fakeTime(start: number): {
  now: () => number;
  advance: (ms: number) => void;
  setTimer: SetTimer;
  timers: { at: number; ms: number; fn: () => void; cancelled: boolean }[];
} {
  let t = start;
  const timers: { at: number; ms: number; fn: () => void; cancelled: boolean }[] = [];
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
      for (const timer of timers.filter((x) => !x.cancelled && x.at <= t)) {
        timer.cancelled = true;
        timer.fn();
      }
    },
    setTimer: (fn, ms) => {
      const timer = { at: t + ms, ms, fn, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    timers,
  };
}

const limits: ThrottleLimits = {
  maxConcurrentRequests: 0,
  maxRequestsPerMinute: 50,
  maxQueue: 20,
  maxWaitMs: 0,
};

test('per-minute limit: below 50% requests start at once, then the documented delay applies', async () => {
  // Acumatica's worked example: limit 50, 25 processed, first 40 s ago -> next delayed 20 s / 25 = 0.8 s.
  const clock = fakeTime(Date.parse('2024-05-01T02:40:20Z'));
  const throttle = new LicenceThrottle(() => limits, clock);
  for (let i = 0; i < 25; i++) (await throttle.acquire())();
  assert.equal(throttle.stats.delayed, 0);
  assert.equal(clock.timers.length, 0, 'no request below 50% of the limit waits');

  clock.advance(40_000);
  assert.equal(throttle.delayNow(), 800);

  let started = false;
  const pending = throttle.acquire().then((release) => {
    started = true;
    release();
  });
  await Promise.resolve();
  assert.equal(started, false, 'the 26th request is held back');
  assert.equal(throttle.queued(), 1);
  const live = clock.timers.filter((t) => !t.cancelled);
  assert.deepEqual(
    live.map((t) => t.ms),
    [800],
  );

  clock.advance(799);
  await Promise.resolve();
  assert.equal(started, false, 'not released before 0.8 s');
  clock.advance(1);
  await pending;
  assert.equal(started, true);
  assert.equal(throttle.stats.delayed, 1);
  assert.equal(throttle.queued(), 0);
});

test('per-minute limit: requests older than a minute no longer count', async () => {
  const clock = fakeTime(0);
  const throttle = new LicenceThrottle(() => limits, clock);
  for (let i = 0; i < 30; i++) {
    const release = throttle.acquire();
    if (i >= 25) clock.advance(throttle.delayNow());
    (await release)();
  }
  assert.ok(throttle.delayNow() > 0);
  clock.advance(60_000);
  assert.equal(throttle.delayNow(), 0);
});

test('per-minute limit switched off (0) never delays', async () => {
  const clock = fakeTime(0);
  const throttle = new LicenceThrottle(() => ({ ...limits, maxRequestsPerMinute: 0 }), clock);
  for (let i = 0; i < 100; i++) (await throttle.acquire())();
  assert.equal(throttle.delayNow(), 0);
  assert.equal(throttle.stats.delayed, 0);
});
