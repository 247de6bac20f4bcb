/**
 * The API with the real worker behind it: the harness's Temporal and FerretDB, an in-process emulator, and
 * both Temporal workers on the API's task queues. One per test file.
 */
import { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { AcumaticaClientRegistry } from '../../../activities/client-registry';
import { emulatorConnection, startEmulator, type RunningEmulator } from '../../../emulator';
import { parseMasterKey, SecretBox } from '../../../store';
import { createSyncWorkers } from '../../../worker/worker';
import { installQuietRuntime, workflowBundle } from '../../helpers/sync-env';
import { admin, setupApi, suffix, type ApiTestEnv } from './helpers';

export interface ApiWithWorkers {
  env: ApiTestEnv;
  emulator: RunningEmulator;
  /** Creates an account on the emulator through the API; returns its id and API key. */
  newAccount(settings?: Record<string, unknown>): Promise<{ id: string; key: string }>;
  close(): Promise<void>;
}

export async function startApiWithWorkers(apiEnv: Record<string, string> = {}): Promise<ApiWithWorkers> {
  installQuietRuntime();
  const env = await setupApi(apiEnv);
  const emulator = await startEmulator({ seed: 'none' });
  const connection = await NativeConnection.connect({ address: env.config.TEMPORAL_ADDRESS });
  const logger = pino({ level: 'silent' });
  const clients = new AcumaticaClientRegistry({
    accounts: env.store.accounts,
    box: new SecretBox([parseMasterKey(env.config.MASTER_KEY)]),
    logger,
    limits: { requestsPerMinute: 60_000, maxConcurrent: 8 },
  });
  const workers = await createSyncWorkers({
    connection,
    client: env.temporal,
    db: env.mongo.db,
    store: env.store,
    clients,
    config: env.config,
    logger,
    workflowBundle: await workflowBundle(),
  });
  const running = workers.run();
  return {
    env,
    emulator,
    async newAccount(settings = {}) {
      const res = await env.app.inject({
        method: 'POST',
        url: '/accounts',
        headers: admin,
        payload: {
          name: `Account ${suffix()}`,
          connection: emulatorConnection(emulator.url),
          settings: { executionDelayMinutes: 15, ...settings },
        },
      });
      if (res.statusCode !== 201) throw new Error(`account creation failed: ${res.statusCode} ${res.body}`);
      return {
        id: res.json<{ account: { id: string } }>().account.id,
        key: res.json<{ apiKey: string }>().apiKey,
      };
    },
    async close() {
      workers.shutdown();
      await running;
      await clients.close();
      await connection.close();
      await emulator.close();
      await env.close();
    },
  };
}
