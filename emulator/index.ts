/**
 * Public entry of the Acumatica emulator: build it in-process (`buildEmulator`) or start it on a port
 * (`startEmulator`).
 */
import type { FastifyInstance } from 'fastify';
import { buildEmulator, type EmulatorAdmin, type EmulatorOptions } from './app';

export {
  buildEmulator,
  DEFAULT_LIMITS,
  DEFAULT_OAUTH_CLIENT,
  DEFAULT_USERS,
  emulatorConnection,
} from './app';
export type { EmulatorAdmin, EmulatorOptions, LicenceLimits } from './app';
export type { FaultConfig } from './faults';
export type { PushDestination, PushFaults, PushPayload, PushStats } from './push-notifications';
export type { SeedCounts, SeedOption } from './seed';
export type { StoredRecord, RecordNode } from './store';

export interface RunningEmulator {
  /** `http://127.0.0.1:<port>` */
  url: string;
  app: FastifyInstance;
  admin: EmulatorAdmin;
  close(): Promise<void>;
}

/** Starts the emulator on `host:port` (port 0 = a free port). */
export async function startEmulator(
  opts: EmulatorOptions & { host?: string; port?: number } = {},
): Promise<RunningEmulator> {
  const { host = '127.0.0.1', port = 0, ...rest } = opts;
  const app = await buildEmulator(rest);
  await app.listen({ host, port });
  const addr = app.server.address();
  const actualPort = typeof addr === 'object' && addr ? addr.port : port;
  return { url: `http://${host}:${actualPort}`, app, admin: app.emulatorAdmin, close: () => app.close() };
}
