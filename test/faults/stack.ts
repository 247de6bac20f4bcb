/**
 * A private dev stack for one fault scenario file: its own FerretDB and Temporal dev server (persisted to a
 * SQLite file so a restart keeps every workflow), both restartable on the same ports, plus a Temporal
 * client and a store for the test itself. Scenarios stop and restart these servers, so they never share
 * the harness's servers with other test files.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort, mongoUrl, startFerretDB, startTemporal, type ManagedProcess } from '../../scripts/stack';
import { ensureTools } from '../../scripts/tools';
import { connectMongo, createStore, ensureIndexes, type MongoConnection, type Store } from '../../store';

export interface FaultStack {
  name: string;
  /** Folder for this file's data and logs. */
  dir: string;
  mongoUrl: string;
  dbName: string;
  temporalAddress: string;
  client: Client;
  mongo: MongoConnection;
  store: Store;
  /** Stops the Temporal dev server (SIGTERM) and starts it again on the same port and database file. */
  restartTemporal(between?: () => Promise<void>): Promise<void>;
  /** Stops FerretDB (SIGTERM) and starts it again on the same port and data folder. */
  restartFerretDB(between?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

async function binaries(): Promise<{ temporal: string; ferretdb: string }> {
  const temporal = process.env.TEMPORAL_CLI_PATH;
  const ferretdb = process.env.FERRETDB_PATH;
  if (temporal && ferretdb) return { temporal, ferretdb };
  return ensureTools(() => undefined);
}

/** Starts FerretDB and a persistent Temporal dev server on free ports for the scenario file `name`. */
export async function openFaultStack(name: string): Promise<FaultStack> {
  const base = process.env.FSAC_TEST_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'fsac-faults-'));
  const dir = join(base, 'faults', `${name}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const tools = await binaries();
  const [mongoPort, temporalPort] = [await freePort(), await freePort()];

  const ferret = () =>
    startFerretDB({
      binary: tools.ferretdb,
      port: mongoPort,
      dataDir: join(dir, 'ferretdb'),
      logFile: join(dir, 'logs', 'ferretdb.log'),
    });
  const temporal = () =>
    startTemporal({
      binary: tools.temporal,
      port: temporalPort,
      uiPort: null,
      dbFile: join(dir, 'temporal.db'),
      logFile: join(dir, 'logs', 'temporal.log'),
    });
  let ferretProc: ManagedProcess = await ferret();
  let temporalProc: ManagedProcess = await temporal();

  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection, namespace: 'default' });
  const dbName = `faults_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const url = mongoUrl(mongoPort);
  const mongo = await connectMongo(url, dbName, { appName: `faults-${name}` });
  await ensureIndexes(mongo.db);

  return {
    name,
    dir,
    mongoUrl: url,
    dbName,
    temporalAddress,
    client,
    mongo,
    store: createStore(mongo.db),
    async restartTemporal(between) {
      await temporalProc.stop();
      await between?.();
      temporalProc = await temporal();
    },
    async restartFerretDB(between) {
      await ferretProc.stop();
      await between?.();
      ferretProc = await ferret();
    },
    async close() {
      await mongo.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
      await temporalProc.stop();
      await ferretProc.stop();
    },
  };
}
