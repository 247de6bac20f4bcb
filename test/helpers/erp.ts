/**
 * Acting as an ERP user in integration tests: a plain Acumatica client against the emulator (cookie
 * session as admin), for creating records the way people do in Acumatica, and a controllable clock.
 */
import { AcumaticaClient } from '../../acumatica';
import type { RunningEmulator } from '../../emulator';
import { testLogger } from './sync-env';

/** A signed-in client for the emulator; close it when done (it signs out). */
export function erpClient(emulator: RunningEmulator, restVersion = '24.200.001'): AcumaticaClient {
  return new AcumaticaClient(
    {
      baseUrl: emulator.url,
      tenant: 'Company',
      endpointName: 'Default',
      restVersion,
      auth: { kind: 'cookie', username: 'admin', password: 'admin' },
    },
    { logger: testLogger() },
  );
}

/** A clock tests move by hand, shared by the emulator (Acumatica's modified times) and our store (`updatedAt`). */
export class ManualClock {
  private t: number;
  constructor(start = Date.now()) {
    this.t = start;
  }
  readonly now = (): Date => new Date(this.t);
  /** Moves the clock forward by `ms` and returns the new time. */
  advance(ms: number): Date {
    this.t += ms;
    return this.now();
  }
}
