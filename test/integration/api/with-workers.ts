/**
 * The API with the real worker behind it: the harness's Temporal and FerretDB, an in-process emulator, and
 * both Temporal workers on the API's task queues. One per test file.
 */
import { emulatorConnection, startEmulator, type RunningEmulator } from '../../../emulator';
import { admin, setupApi, startWorkers, suffix, type ApiTestEnv } from './helpers';

export interface ApiWithWorkers {
  env: ApiTestEnv;
  emulator: RunningEmulator;
  /** Creates an account on the emulator through the API; returns its id and API key. */
  newAccount(settings?: Record<string, unknown>): Promise<{ id: string; key: string }>;
  close(): Promise<void>;
}

export async function startApiWithWorkers(apiEnv: Record<string, string> = {}): Promise<ApiWithWorkers> {
  const env = await setupApi(apiEnv);
  const emulator = await startEmulator({ seed: 'none' });
  const workers = await startWorkers(env);
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
      await workers.close();
      await emulator.close();
      await env.close();
    },
  };
}
