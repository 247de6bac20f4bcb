/** Serializing (re)authentication: one sign-in at a time, which concurrent requests join. */
import type { Credentials } from './auth';

/** Lets each caller stop waiting on a shared login without cancelling it for the others. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Runs at most one (re)authentication at a time; later callers join the running one. */
export class SingleFlight {
  private running: Promise<void> | undefined;

  run(task: () => Promise<void>, signal: AbortSignal | undefined): Promise<void> {
    if (this.running === undefined) {
      const flight = task().finally(() => {
        if (this.running === flight) this.running = undefined;
      });
      // A caller that stops waiting must not turn the shared failure into an unhandled rejection.
      flight.catch(() => undefined);
      this.running = flight;
    }
    return untilAborted(this.running, signal);
  }

  /**
   * The authorize loop of both methods: waits out a running (re)authentication, starts the one `next`
   * asks for, and returns credentials only when `next` has nothing left to do. It re-checks after every
   * wait because another caller's flight may have failed or left the credentials stale.
   */
  async authorize(
    next: () => Credentials | (() => Promise<void>),
    signal: AbortSignal | undefined,
  ): Promise<Credentials> {
    for (;;) {
      const running = this.running;
      if (running !== undefined) {
        await untilAborted(running, signal);
        continue;
      }
      const step = next();
      if (typeof step !== 'function') return step;
      await this.run(step, signal);
    }
  }

  /**
   * After a 401: joins a running (re)authentication, else runs `task` unless the credentials already
   * changed since the refused request (`stale` is false).
   */
  async renew(stale: boolean, task: () => Promise<void>, signal: AbortSignal | undefined): Promise<void> {
    const running = this.running;
    if (running !== undefined) return untilAborted(running, signal);
    if (!stale) return;
    await this.run(task, signal);
  }
}
