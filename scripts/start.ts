/**
 * `npm start`: installs what is missing, starts the dev stack — FerretDB, the Temporal dev server with its
 * Web UI, the Acumatica emulator seeded with demo data, the worker and the API — sets up the demo account
 * (first start only) and starts its first run, then prints where everything is. Ctrl-C stops it all.
 * Data lives in .data/dev and survives restarts; `npm start -- --reset` starts from scratch.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../runtime/config';
import { ensureWorkflowBundle } from '../worker/workflow-bundle';
import { ensureTools, projectRoot, ToolError } from './tools';
import {
  httpReady,
  mongoUrl,
  portInUse,
  spawnLogged,
  Stack,
  StackError,
  startFerretDB,
  startTemporal,
  waitReady,
} from './stack';
import { ensureConsoleBuilt } from '../console/build';
import { setUpDemo } from './demo';

const TEMPORAL_PORT = Number(process.env.TEMPORAL_PORT ?? 7233);
const TEMPORAL_UI_PORT = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
const MONGO_PORT = Number(process.env.MONGO_PORT ?? 27017);

async function main(): Promise<void> {
  const dataDir = join(projectRoot, '.data', 'dev');
  const { reset } = parseArgs({ options: { reset: { type: 'boolean', default: false } } }).values;
  if (reset) rmSync(dataDir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? `127.0.0.1:${TEMPORAL_PORT}`,
    TEMPORAL_UI_URL: process.env.TEMPORAL_UI_URL ?? `http://localhost:${TEMPORAL_UI_PORT}`,
    MONGODB_URL: process.env.MONGODB_URL ?? mongoUrl(MONGO_PORT),
  };
  const config: Config = loadConfig(env);
  const ports: [string, number][] = [
    ['TEMPORAL_PORT', TEMPORAL_PORT],
    ['TEMPORAL_UI_PORT', TEMPORAL_UI_PORT],
    ['MONGO_PORT', MONGO_PORT],
    ['API_PORT', config.API_PORT],
    ['EMULATOR_PORT', config.EMULATOR_PORT],
    ['WORKER_METRICS_PORT', config.WORKER_METRICS_PORT],
  ];
  for (const [name, port] of ports) {
    if (await portInUse(port))
      throw new StackError(`port ${port} is in use: stop what holds it, or set ${name} to another port`);
  }

  const tools = await ensureTools();
  const stack = new Stack();
  stack.stopOnSignals(0);
  const logs = join(dataDir, 'logs');
  try {
    console.log('starting FerretDB...');
    stack.add(
      await startFerretDB({
        binary: tools.ferretdb,
        port: MONGO_PORT,
        dataDir: join(dataDir, 'ferretdb'),
        logFile: join(logs, 'ferretdb.log'),
      }),
    );
    console.log('starting the Temporal dev server...');
    stack.add(
      await startTemporal({
        binary: tools.temporal,
        port: TEMPORAL_PORT,
        uiPort: TEMPORAL_UI_PORT,
        dbFile: join(dataDir, 'temporal.db'),
        logFile: join(logs, 'temporal.log'),
      }),
    );

    const tsx = (script: string, args: string[] = []) =>
      [process.execPath, ['--import', 'tsx', join(projectRoot, script), ...args]] as const;
    const emulatorUrl = `http://127.0.0.1:${config.EMULATOR_PORT}`;
    console.log('starting the Acumatica emulator...');
    const [node, emuArgs] = tsx('emulator/main.ts', [
      '--port',
      String(config.EMULATOR_PORT),
      '--seed',
      'demo',
      '--persist',
      join(dataDir, 'emulator.json'),
    ]);
    const emulator = stack.add(spawnLogged('emulator', node, [...emuArgs], join(logs, 'emulator.log'), env));
    await waitReady(emulator, () => httpReady(`${emulatorUrl}/entity`));

    // Built once when the workflows changed since the last start; the worker loads it instead of bundling.
    await ensureWorkflowBundle();
    console.log('building the console...');
    await ensureConsoleBuilt();
    console.log('starting the worker and the API...');
    const [, workerArgs] = tsx('worker/main.ts');
    // A worker that dies (a crash, an OOM kill) is started again: without it nothing syncs.
    const worker = stack.supervise(() =>
      spawnLogged('worker', node, [...workerArgs], join(logs, 'worker.log'), env),
    );
    const [, apiArgs] = tsx('api/server.ts');
    const api = stack.add(spawnLogged('api', node, [...apiArgs], join(logs, 'api.log'), env));
    const apiUrl = `http://${config.API_HOST}:${config.API_PORT}`;
    await waitReady(api, () => httpReady(`${apiUrl}/health`));
    await waitReady(worker, () => httpReady(`http://127.0.0.1:${config.WORKER_METRICS_PORT}/metrics`));

    const runLink = (workflowId: string) =>
      `${config.TEMPORAL_UI_URL}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(workflowId)}`;
    console.log(`
The connector is running.
  Temporal Web UI    ${config.TEMPORAL_UI_URL}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows
  Console            ${apiUrl}/
  API                ${apiUrl}   (OpenAPI docs: ${apiUrl}/docs, health: ${apiUrl}/health)
  Acumatica emulator ${emulatorUrl}/entity   (admin: ${emulatorUrl}/_emulator/counters)
  Worker metrics     http://127.0.0.1:${config.WORKER_METRICS_PORT}/metrics
  Logs               ${logs}
`);
    const stateFile = join(dataDir, 'demo.json');
    console.log('setting up the demo account...');
    const demo = await setUpDemo({
      apiUrl,
      adminKey: config.ADMIN_API_KEY,
      emulatorUrl,
      stateFile,
      onRunStarted: (workflowId, what) => console.log(`  started the ${what}:\n    ${runLink(workflowId)}`),
    });
    console.log(`
Demo account ${demo.accountId} (its API key is also in ${stateFile}):
  ${demo.message}

Open the console at ${apiUrl}/ and sign in with the demo account's key:
  ${demo.apiKey}

Press Ctrl-C to stop everything.`);
  } catch (err) {
    await stack.stopAll();
    throw err;
  }
}

main().catch((err: unknown) => {
  console.error(
    `error: ${err instanceof ToolError || err instanceof StackError ? err.message : (err as Error).stack}`,
  );
  process.exit(1);
});
