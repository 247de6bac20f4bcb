/**
 * Test setup for the API: a real MongoDB (FerretDB) database and Temporal server from the harness
 * (`MONGODB_URL`, `TEMPORAL_ADDRESS`), a fresh database name and task queues per call, and captured logs so
 * tests can search them for secrets.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { AcumaticaClientRegistry } from '../../../activities/client-registry';
import { outboundPolicy } from '../../../runtime/outbound';
import { loadConfig, type Config } from '../../../runtime/config';
import {
  connectMongo,
  createStore,
  ensureIndexes,
  parseMasterKey,
  SecretBox,
  type MongoConnection,
  type Store,
} from '../../../store';
import { buildApp } from '../../../api/app';
import { emulatorConnection, startEmulator, type RunningEmulator } from '../../../emulator';
import type { App } from '../../../api/context';
import { ScheduleService } from '../../../api/services/schedules';
import { createSyncWorkers } from '../../../worker/worker';
import { installQuietRuntime, workflowBundle } from '../../helpers/sync-env';

export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface ApiTestEnv {
  app: App;
  config: Config;
  store: Store;
  mongo: MongoConnection;
  temporal: Client;
  schedules: ScheduleService;
  /** Everything the app logged so far. */
  logs(): string;
  close(): Promise<void>;
}

export const suffix = (): string => randomBytes(5).toString('hex');

/** Builds the app over a fresh database and fresh task queues (`consoleDir`: serve that console build). */
export async function setupApi(
  env: Record<string, string> = {},
  options: { consoleDir?: string } = {},
): Promise<ApiTestEnv> {
  const id = suffix();
  const config = loadConfig({
    ...process.env,
    MONGODB_DB: `test_api_${id}`,
    TEMPORAL_TASK_QUEUE: `api-sync-${id}`,
    TEMPORAL_ACUMATICA_TASK_QUEUE: `api-acu-${id}`,
    ADMIN_API_KEY: ADMIN_KEY,
    API_BODY_LIMIT_BYTES: '65536',
    LOG_LEVEL: 'debug',
    ...env,
  });
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
  await ensureIndexes(mongo.db);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const store = createStore(mongo.db);
  const schedules = new ScheduleService(temporal);
  const app = await buildApp({
    config,
    logger,
    store,
    temporal,
    schedules,
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
  });
  await app.ready();
  return {
    app,
    config,
    store,
    mongo,
    temporal,
    schedules,
    logs: () => chunks.join(''),
    async close() {
      await app.close();
      await mongo.db.dropDatabase();
      await mongo.close();
      await connection.close();
    },
  };
}

export const admin = { authorization: `Bearer ${ADMIN_KEY}` };
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** A valid account body pointing at `url` (the emulator's default user and OAuth client). */
export function accountBody(url = 'http://127.0.0.1:1', overrides: Record<string, unknown> = {}) {
  return {
    name: `Test account ${suffix()}`,
    connection: emulatorConnection(url),
    settings: { executionDelayMinutes: 15 },
    ...overrides,
  };
}

/** Creates an account through the API; returns its id and key. */
export async function createAccount(
  app: App,
  body: Record<string, unknown> = accountBody(),
): Promise<{ id: string; apiKey: string }> {
  const res = await app.inject({ method: 'POST', url: '/accounts', headers: admin, payload: body });
  if (res.statusCode !== 201) throw new Error(`account creation failed: ${res.statusCode} ${res.body}`);
  const json = res.json<{ account: { id: string }; apiKey: string }>();
  return { id: json.account.id, apiKey: json.apiKey };
}

/** The real worker (both task queues of `env`) for tests that run syncs or connection checks. */
export async function startWorkers(env: ApiTestEnv): Promise<{ close(): Promise<void> }> {
  installQuietRuntime();
  const connection = await NativeConnection.connect({ address: env.config.TEMPORAL_ADDRESS });
  const logger = pino({ level: 'silent' });
  const clients = new AcumaticaClientRegistry({
    accounts: env.store.accounts,
    box: new SecretBox([parseMasterKey(env.config.MASTER_KEY)]),
    logger,
    limits: { requestsPerMinute: 60_000, maxConcurrent: 8 },
    outbound: outboundPolicy(env.config),
  });
  const workers = await createSyncWorkers({
    connection,
    client: env.temporal,
    store: env.store,
    clients,
    config: env.config,
    logger,
    workflowBundle: await workflowBundle(),
  });
  const running = workers.run();
  return {
    async close() {
      workers.shutdown();
      await running;
      await clients.close();
      await connection.close();
    },
  };
}

/** The API, the real worker and an emulator whose user and OAuth client have the given secrets. */
export interface WorkerApiEnv {
  env: ApiTestEnv;
  emulator: RunningEmulator;
  /** Creates an account on the emulator through the API (admin key); returns its id and first key. */
  newAccount(entityTypes: readonly string[]): Promise<{ id: string; key: string }>;
  close(): Promise<void>;
}

export const TEST_CLIENT_ID = '7A1E2B3C-4D5E-4F60-8A9B-0C1D2E3F4A5B@Company';

export async function setupApiWithWorker(options: {
  password: string;
  clientSecret: string;
  config?: Record<string, string>;
}): Promise<WorkerApiEnv> {
  const env = await setupApi(options.config);
  const emulator = await startEmulator({
    seed: 'none',
    users: [{ name: 'apiuser', password: options.password, tenant: 'Company' }],
    oauthClients: [{ clientId: TEST_CLIENT_ID, secret: options.clientSecret }],
  });
  const workers = await startWorkers(env);
  return {
    env,
    emulator,
    async newAccount(entityTypes) {
      const res = await env.app.inject({
        method: 'POST',
        url: '/accounts',
        headers: admin,
        payload: {
          name: `Account ${suffix()}`,
          connection: {
            url: emulator.url,
            tenant: 'Company',
            authMode: 'oauth',
            clientId: TEST_CLIENT_ID,
            clientSecret: options.clientSecret,
            restUsername: 'apiuser',
            restPassword: options.password,
          },
          settings: { executionDelayMinutes: 15, entityTypes },
        },
      });
      if (res.statusCode !== 201) throw new Error(`account creation failed: ${res.statusCode} ${res.body}`);
      const json = res.json<{ account: { id: string }; apiKey: string }>();
      return { id: json.account.id, key: json.apiKey };
    },
    async close() {
      await workers.close();
      await emulator.close();
      await env.close();
    },
  };
}

export { waitFor } from '../../helpers/wait';
